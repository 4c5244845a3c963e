# Helpers shared by the TAP tests of test/t.
package IgnisTest;

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(basename);
use File::Path qw(rmtree);
use FindBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(remove_stale_node_dirs $server_lifetime find_python fuzz_node
  run_fuzzer server_survived fuzz_test);

# A crash restart keeps pg_postmaster_start_time() but starts a new checkpointer.
our $server_lifetime =
  q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'};

# A failed earlier run leaves its data directories behind (kept for
# debugging), and PostgreSQL::Test::Cluster refuses to reuse them.
sub remove_stale_node_dirs
{
	my $testname = basename($0);
	$testname =~ s/\.[^.]+$//;
	foreach my $name (@_)
	{
		my $dir = "$PostgreSQL::Test::Utils::tmp_check/t_${testname}_${name}_data";
		rmtree($dir) if -d $dir;
	}
}

# A python3 interpreter for the fuzzers; skips the whole test without one.
sub find_python
{
	foreach my $candidate (qw(python3 /usr/bin/python3))
	{
		my ($out, $err) = ('', '');
		my $ok = eval {
			IPC::Run::run([ $candidate, '-c', 'import sys; print(sys.version_info[0])' ],
				'>', \$out, '2>', \$err);
		};
		return $candidate if $ok && $out =~ /^3/;
	}
	plan skip_all => 'python3 is not available';
}

# Runs a fuzzer (test/fuzz_*.py) against database $db of $node and reports
# one test per invariant it prints ("INVARIANT <name> checked=<n> failed=<n>",
# each of @$invariants must appear) and one for its closing "<n> passed, <n>
# failed" line, with the fuzzer's failures and outcome counts as diagnostics.
sub run_fuzzer
{
	my ($node, $db, $cmd, $invariants, $repro, $what) = @_;
	my ($out, $err) = ('', '');
	note "running: @$cmd";
	{
		local $ENV{PGHOST}           = $node->host;
		local $ENV{PGPORT}           = $node->port;
		local $ENV{PGUSER}           = $node->safe_psql('postgres', 'SELECT current_user');
		local $ENV{PYTHONIOENCODING} = 'utf-8';
		local $ENV{PGCLIENTENCODING} = 'UTF8';
		IPC::Run::run($cmd, '>', \$out, '2>', \$err, IPC::Run::timeout(600));
	}
	my $rc = $? >> 8;

	# failures as the fuzzer printed them, per invariant
	my (%failures, $current);
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

	my %seen;
	while ($out =~ /^INVARIANT (\w+) checked=(\d+) failed=(\d+)$/mg)
	{
		my ($name, $checked, $failed) = ($1, $2, $3);
		$seen{$name} = 1;
		ok($failed == 0, "fuzz invariant $name ($checked checks, $failed failed)")
		  or diag(($failures{$name} || '') . "complete calls: $repro");
	}
	foreach my $name (@$invariants)
	{
		ok(0, "fuzz invariant $name reported") unless $seen{$name};
	}

	my ($summary) = $out =~ /^(\d+ passed, \d+ failed)$/m;
	my $stats = join("\n", grep { /^(outcomes|elapsed)/ } split /\n/, $out);
	ok(defined $summary && $rc == 0, "$what: " . ($summary // "no summary"))
	  ? note($stats)
	  : diag("exit status $rc\nstderr:\n$err\n$stats");
	return $out;
}

# A fresh started node with database $db holding the extension and
# docs/sample.sql; returns the node and its server lifetime mark.
sub fuzz_node
{
	my ($name, $db) = @_;
	remove_stale_node_dirs($name);
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
	$node->append_conf('postgresql.conf', qq{
TimeZone = 'UTC'
log_min_messages = warning
});
	$node->start;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, slurp_file("$FindBin::RealBin/../../docs/sample.sql"));
	my $started = $node->safe_psql($db, $server_lifetime);
	like($started, qr/^\d+$/, 'server: checkpointer pid known (crash-restart detection)');
	return ($node, $started);
}

# The server did not go through a crash restart since $started, and its log
# shows no crash, PANIC or assertion failure.
sub server_survived
{
	my ($node, $db, $started) = @_;
	is($node->safe_psql($db, $server_lifetime),
		$started, 'server: no crash restart during the run');
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal|PANIC|TRAP:|server process .* was terminated/,
		'server log: no crash, PANIC or assertion failure');
}

# The whole TAP test of a fuzzer: a fresh node (fuzz_node), the fuzzer run
# with -n $count and --seed (FUZZ_SEED, default 1) on it (run_fuzzer), the
# complete SQL of failing calls in tmp_check/<name>_repro.sql, and the server
# checks (server_survived).
sub fuzz_test
{
	my (%a) = @_;
	my $python = find_python();
	my $seed   = defined $ENV{FUZZ_SEED} ? $ENV{FUZZ_SEED} : 1;
	my $db     = "ignis_$a{name}";
	my ($node, $started) = fuzz_node($a{name}, $db);
	my $repro = "$PostgreSQL::Test::Utils::tmp_check/$a{name}_repro.sql";
	unlink $repro;
	run_fuzzer($node, $db,
		[ $python, "$FindBin::RealBin/../$a{script}", '-n', $a{count}, '--seed', $seed,
		  '-d', $db, '--repro-file', $repro ],
		$a{invariants}, $repro, "$a{what}, seed $seed");
	server_survived($node, $db, $started);
	$node->stop;
	done_testing();
}

1;
