# Load and soak: 8 pgbench clients (-M prepared) for IGNIS_SOAK_SECONDS
# (default 10; 60 for the long form, test/README.md) of mixed ignis reads and
# writes on overlapping rows (test/soak/*.sql: find with range and includes,
# count, update_all and update_by_id with JSON-path keys, soft delete and
# restore by id and by where, create_all), then:
#
#   errors      pgbench: no client aborted, no transaction failed after its
#               retries; the server log (SQLSTATE in log_line_prefix): no
#               error other than serialization failures (40001) and deadlocks
#               (40P01), which pgbench retries (--max-tries)
#   invariants  nothing lost (rows = initial + created), every row create_all
#               returned is present, counts by state add up (ignis.count with
#               and without the default filter against plain SQL), no
#               soft-deleted row visible to count / find
#   memory      per-backend anonymous memory (RssAnon) of the pgbench backends
#               after warm-up and at the end of the run, and the memory-context
#               total of one session before and after 3000 more calls, grow
#               less than the bounds below
use strict;
use warnings;

use FindBin;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use lib $FindBin::RealBin;
use IgnisTest;

my $seconds = $ENV{IGNIS_SOAK_SECONDS} || 10;
my $clients = 8;
my $soak    = "$FindBin::RealBin/../soak";
my $db      = 'ignis_soak';
# growth bounds: a backend's private memory after warm-up, and one session's
# memory contexts between two points after warm-up
my $rss_bound = 8 * 1024;          # kB
my $ctx_bound = 1024 * 1024;       # bytes

my ($node, $started) = fuzz_node('soak', $db);
$node->append_conf('postgresql.conf', "log_line_prefix = '%m [%p] %e '\n");
$node->reload;
$node->safe_psql($db, slurp_file("$soak/setup.sql"));
my $initial = $node->safe_psql($db, 'SELECT count(*) FROM public.soak_items');
my $log_offset = -s $node->logfile;

# private (anonymous) memory of each pgbench backend, in kB
sub backend_rss
{
	my %rss;
	my $pids = $node->safe_psql($db,
		"SELECT pid FROM pg_stat_activity WHERE application_name = 'ignis_soak'");
	foreach my $pid (split /\n/, $pids)
	{
		open(my $fh, '<', "/proc/$pid/status") or next;
		while (<$fh>)
		{
			$rss{$pid} = $1 if /^RssAnon:\s+(\d+)/;
		}
		close $fh;
	}
	return \%rss;
}

my ($out, $err) = ('', '');
my @pgbench = (
	'pgbench', '-n', '-M', 'prepared', '-c', $clients, '-j', 2, '-T', $seconds,
	'--max-tries=1000', '--failures-detailed',
	'-f', "$soak/read.sql\@4", '-f', "$soak/update.sql\@3",
	'-f', "$soak/softdelete.sql\@2", '-f', "$soak/create.sql\@1",
	'-h', $node->host, '-p', $node->port, $db);
note "running: @pgbench";
my $t0 = time;
my $h;
{
	# the backends are found by their application name
	local $ENV{PGAPPNAME} = 'ignis_soak';
	$h = IPC::Run::start(\@pgbench, '>', \$out, '2>', \$err,
		IPC::Run::timeout($seconds + 120));
}
sleep($seconds < 10 ? 2 : $seconds / 5);
my $rss_start = backend_rss();
my $left = $seconds - (time - $t0) - 1.5;
sleep($left) if $left > 0;
my $rss_end = backend_rss();
$h->finish;
my $rc = $? >> 8;

my %stat;
foreach my $key ('transactions actually processed', 'failed transactions',
	'serialization failures', 'deadlock failures', 'transactions retried',
	'total number of retries')
{
	($stat{$key}) = $out =~ /^(?:number of )?\Q$key\E: (\d+)/m;
}
my @aborted = $err =~ /^(.*aborted.*)$/mg;
ok($rc == 0 && !@aborted, "pgbench: $clients clients for $seconds s, no client aborted")
  or diag("exit status $rc\n" . join("\n", @aborted[0 .. ($#aborted < 9 ? $#aborted : 9)]));
ok(($stat{'transactions actually processed'} // 0) > 0,
	"pgbench: transactions processed: " . ($stat{'transactions actually processed'} // 'none'));
is($stat{'failed transactions'}, 0, 'pgbench: no transaction failed after its retries');
note sprintf("transactions %s, retried %s, retries %s; failed after retries: %s "
	  . "(serialization %s, deadlock %s)",
	map { $stat{$_} // '?' } 'transactions actually processed', 'transactions retried',
	'total number of retries', 'failed transactions', 'serialization failures',
	'deadlock failures');

# errors by SQLSTATE from the server log
my $log = substr(slurp_file($node->logfile), $log_offset);
my %errors;
$errors{$1}++ while $log =~ /^\S+ \S+ \S+ \[\d+\] (\w{5}) (?:ERROR|FATAL|PANIC):/mg;
my @unexpected = grep { $_ ne '40001' && $_ ne '40P01' } sort keys %errors;
note "server errors by SQLSTATE: "
  . (join(', ', map { "$_=$errors{$_}" } sort keys %errors) || 'none');
ok(!@unexpected, 'server log: no errors but serialization failures and deadlocks')
  or diag(join("\n", grep { my $l = $_; grep { $l =~ /\] $_ / } @unexpected }
		  split /\n/, $log));

# invariants
my $q = sub { $node->safe_psql($db, shift) };
my ($total, $live, $deleted, $created) = split /\|/, $q->(
	'SELECT count(*), count(*) FILTER (WHERE deleted_at IS NULL),
	        count(*) FILTER (WHERE deleted_at IS NOT NULL),
	        (SELECT count(*) FROM public.soak_created) FROM public.soak_items');
note "rows: $total ($live live, $deleted soft-deleted), $created created";
is($total, $initial + $created, 'nothing lost: rows = initial + created');
is($q->('SELECT count(*) FROM public.soak_created c
	      WHERE NOT EXISTS (SELECT 1 FROM public.soak_items i WHERE i.id = c.id)'),
	0, 'every row create_all returned is present');
is($live + $deleted, $total, 'counts by state add up');
is($q->(q{SELECT ignis.count('SoakItem')->>'count'}), $live,
	'ignis.count: the live rows');
is($q->(q{SELECT ignis.count('SoakItem', '{}', '{"shouldSkipDefaultFilter": true}')->>'count'}),
	$total, 'ignis.count without the default filter: every row');
is($q->(q{SELECT ignis.count('SoakItem', '{"deletedAt": {"neq": null}}')->>'count'}),
	$deleted, 'ignis.count of the soft-deleted rows');
is($q->(q{SELECT ignis.count('SoakItem', jsonb_build_object('id', jsonb_build_object('in',
	        (SELECT jsonb_agg(id) FROM public.soak_items WHERE deleted_at IS NOT NULL))))->>'count'}),
	0, 'no soft-deleted row visible to count');
is($q->(q{SELECT jsonb_array_length(ignis.find('SoakItem', jsonb_build_object('where',
	        jsonb_build_object('id', jsonb_build_object('in',
	        (SELECT jsonb_agg(id) FROM public.soak_items WHERE deleted_at IS NOT NULL))),
	        'limit', 100000)))}),
	0, 'no soft-deleted row visible to find');

# memory of the pgbench backends: after warm-up and at the end
my @grew;
foreach my $pid (sort keys %$rss_start)
{
	next unless defined $rss_end->{$pid};
	my $d = $rss_end->{$pid} - $rss_start->{$pid};
	note "backend $pid RssAnon: $rss_start->{$pid} kB -> $rss_end->{$pid} kB ("
	  . ($d >= 0 ? '+' : '') . "$d kB)";
	push @grew, "$pid +$d kB" if $d > $rss_bound;
}
ok(keys %$rss_end >= $clients && keys %$rss_start >= $clients,
	'memory: all pgbench backends sampled at start and end')
  or diag('sampled ' . scalar(keys %$rss_start) . ' and ' . scalar(keys %$rss_end));
ok(!@grew, "memory: no backend's RssAnon grew more than $rss_bound kB")
  or diag(join(', ', @grew));

# memory contexts of one session: 3000 calls of the same mix to warm up,
# then 3000 more
my $calls = '';
foreach my $i (1 .. 600)
{
	my ($g, $v) = ($i % 20 + 1, $i % 50);
	$calls .= sprintf(<<'SQL', $g, $v, $i, $g, $i, $g, $g);
SELECT ignis.find('SoakItem', '{"where": {"grp": %d, "val": {"gte": %d}}, "include": ["owner"], "limit": 10}', '{"shouldQueryRange": true}');
SELECT ignis.update_all('SoakItem', '{"note": "probe", "meta.p": %d}', '{"grp": %d, "val": {"lt": 5}}');
SELECT ignis.delete_by_id('SoakItem', %d);
SELECT ignis.restore_all('SoakItem', '{"grp": %d}');
SELECT ignis.count('SoakItem', '{"grp": %d}');
SQL
}
my $probe = "\\o /dev/null\n$calls\\o\n"
  . "SELECT sum(total_bytes) AS m0 FROM pg_backend_memory_contexts \\gset\n"
  . "\\o /dev/null\n"
  . $calls
  . "\\o\nSELECT :m0, sum(total_bytes) FROM pg_backend_memory_contexts;\n";
my ($pout, $perr) = ('', '');
$node->psql($db, $probe, stdout => \$pout, stderr => \$perr,
	on_error_stop => 1);
my ($m0, $m1) = $pout =~ /(\d+)\|(\d+)\s*$/;
ok(defined $m1, 'memory probe ran') or diag($perr);
if (defined $m1)
{
	note "session memory contexts: $m0 bytes -> $m1 bytes after 3000 more calls";
	ok($m1 - $m0 < $ctx_bound,
		"memory: one session's contexts grew less than $ctx_bound bytes over 3000 calls")
	  or diag("grew by " . ($m1 - $m0));
}

server_survived($node, $db, $started);
$node->stop;
done_testing();
