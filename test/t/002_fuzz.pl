# Runs test/fuzz_filters.py against a fresh cluster with the extension and
# docs/sample.sql loaded, and reports one test per invariant the fuzzer checks
# (crash, internal, message, sqlstate, parity, consistency, warnings), plus the
# server log check.
#
# Environment: FUZZ_ITERATIONS (default 4000), FUZZ_SEED (default 1).
# The complete SQL of every failing call goes to tmp_check/fuzz_repro.sql.
use strict;
use warnings;

use FindBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $FindBin::RealBin;
use IgnisTest;

my $fuzzer      = "$FindBin::RealBin/../fuzz_filters.py";
my $sample_file = "$FindBin::RealBin/../../docs/sample.sql";
my $iterations  = $ENV{FUZZ_ITERATIONS} || 4000;
my $seed        = defined $ENV{FUZZ_SEED} ? $ENV{FUZZ_SEED} : 1;
my $db          = 'ignis_fuzz';

my $python;
foreach my $candidate (qw(python3 /usr/bin/python3))
{
	my ($out, $err) = ('', '');
	my $ok = eval {
		IPC::Run::run([ $candidate, '-c', 'import sys; print(sys.version_info[0])' ],
			'>', \$out, '2>', \$err);
	};
	if ($ok && $out =~ /^3/)
	{
		$python = $candidate;
		last;
	}
}
plan skip_all => 'python3 is not available' unless $python;

remove_stale_node_dirs('fuzz');
my $node = PostgreSQL::Test::Cluster->new('fuzz');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', qq{
TimeZone = 'UTC'
log_min_messages = warning
});
$node->start;

$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, slurp_file($sample_file));
my $started = $node->safe_psql($db, $server_lifetime);
like($started, qr/^\d+$/, 'server: checkpointer pid known (crash-restart detection)');

my $repro = "$PostgreSQL::Test::Utils::tmp_check/fuzz_repro.sql";
unlink $repro;

my ($out, $err) = ('', '');
my @cmd = (
	$python, $fuzzer, '-n', $iterations, '--seed', $seed,
	'-d', $db, '--repro-file', $repro);
note "running: @cmd";
{
	local $ENV{PGHOST}           = $node->host;
	local $ENV{PGPORT}           = $node->port;
	local $ENV{PGUSER}           = $node->safe_psql('postgres', 'SELECT current_user');
	local $ENV{PYTHONIOENCODING} = 'utf-8';
	local $ENV{PGCLIENTENCODING} = 'UTF8';
	IPC::Run::run(\@cmd, '>', \$out, '2>', \$err,
		IPC::Run::timeout(600));
}
my $rc = $? >> 8;

# Failures as the fuzzer printed them, per invariant.
my %failures;
{
	my $current;
	foreach my $line (split /\n/, $out)
	{
		if ($line =~ /^FAIL \[(\w+)\]/)
		{
			$current = $1;
			$failures{$current} .= "$line\n";
		}
		elsif (defined $current && $line =~ /^  /)
		{
			$failures{$current} .= "$line\n";
		}
		else
		{
			undef $current;
		}
	}
}

my %seen;
while ($out =~ /^INVARIANT (\w+) checked=(\d+) failed=(\d+)$/mg)
{
	my ($name, $checked, $failed) = ($1, $2, $3);
	$seen{$name} = 1;
	ok($failed == 0, "fuzz invariant $name ($checked checks, $failed failed)")
	  or diag(($failures{$name} || '') . "complete calls: $repro");
}
foreach my $name (qw(crash internal message sqlstate parity consistency warnings))
{
	ok(0, "fuzz invariant $name reported") unless $seen{$name};
}

my ($summary) = $out =~ /^(\d+ passed, \d+ failed)$/m;
my $stats = join("\n", grep { /^(outcomes|elapsed)/ } split /\n/, $out);
ok(defined $summary && $rc == 0,
	"fuzzer: fixed corpus + $iterations random cases, seed $seed: " . ($summary // "no summary"))
  ? note($stats)
  : diag("exit status $rc\nstderr:\n$err\n$stats");

is($node->safe_psql($db, $server_lifetime),
	$started, 'server: no crash restart during the fuzz run');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC|TRAP:|server process .* was terminated/,
	'server log: no crash, PANIC or assertion failure');

$node->stop;
done_testing();
