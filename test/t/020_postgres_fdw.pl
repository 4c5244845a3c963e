# A sharded model over postgres_fdw.
#
#   * three clusters on loopback: a coordinator and two shards;
#   * on the coordinator, database "sharded": posts is a table partitioned
#     by hash of author_id into two postgres_fdw foreign tables, one on each
#     shard; users, comments and categories are local tables;
#   * database "plain" on the same coordinator holds the same rows in plain
#     local tables;
#   * both register the same models and relations (test/t/ScaleOut.pm), and
#     every read function (where, order, limit, skip, ranges with every
#     countStrategy, includes both ways between the sharded and the local
#     tables) and every write function (create, create_all, update_*,
#     delete_*, restore_*, each in a transaction compared with the tables'
#     contents after it, then rolled back) returns the same jsonb in both;
#   * EXPLAIN (VERBOSE) of each statement shape ignis generates shows what
#     the shards run (postgres_fdw's Remote SQL); the plans are written to
#     tmp_check/scaling_postgres_fdw.txt and the pushdown facts that
#     docs/scaling.md states are checked here;
#   * pg_stat_statements on the shards counts the remote statements one
#     include costs (one per parent row with the default strategy).
#
# Skipped when postgres_fdw is not installed for the server under test.
use strict;
use warnings;

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use lib $FindBin::RealBin;
use IgnisTest;
use ScaleOut;

remove_stale_node_dirs('coord', 'shard1', 'shard2');
my $coord = PostgreSQL::Test::Cluster->new('coord');

my $sharedir = $coord->config_data('--sharedir');
my $pkglibdir = $coord->config_data('--pkglibdir');
plan skip_all => "postgres_fdw is not installed for this server ($pkglibdir)"
  unless -f "$sharedir/extension/postgres_fdw.control"
  && -f "$pkglibdir/postgres_fdw.so";
my $have_pgss = -f "$sharedir/extension/pg_stat_statements.control";

my @shards = map { PostgreSQL::Test::Cluster->new($_) } qw(shard1 shard2);
foreach my $node ($coord, @shards)
{
	$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
	$node->append_conf('postgresql.conf', qq{
TimeZone = 'UTC'
log_min_messages = warning
max_prepared_transactions = 0
});
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
}) if $have_pgss && $node != $coord;
	$node->start;
}

# ---------------------------------------------------------------------------
# Shards: the posts rows whose author_id hashes to each one.
# ---------------------------------------------------------------------------
foreach my $i (0, 1)
{
	my $s = $shards[$i];
	$s->safe_psql('postgres', 'CREATE DATABASE shard');
	$s->safe_psql('shard', posts_sql());
	$s->safe_psql('shard', 'CREATE EXTENSION pg_stat_statements') if $have_pgss;
}

# ---------------------------------------------------------------------------
# Coordinator: "plain" (reference) and "sharded".
# ---------------------------------------------------------------------------
$coord->safe_psql('postgres', 'CREATE DATABASE plain');
$coord->safe_psql('postgres', 'CREATE DATABASE sharded');
$coord->safe_psql('plain', plain_schema_sql() . data_sql() . models_sql() . helpers_sql());

my $local_ddl = plain_schema_sql();
$local_ddl =~ s/CREATE TABLE public\.posts \(.*?\n\);//s;
my $sharded_ddl = $local_ddl . qq{
CREATE EXTENSION postgres_fdw;
};
$sharded_ddl .= posts_sql('PARTITION BY HASH (author_id)');

foreach my $i (0, 1)
{
	my $s = $shards[$i];
	my ($host, $port) = ($s->host, $s->port);
	$sharded_ddl .= qq{
CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '$host', port '$port', dbname 'shard');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
CREATE FOREIGN TABLE public.posts_$i PARTITION OF public.posts
  FOR VALUES WITH (MODULUS 2, REMAINDER $i)
  SERVER shard$i OPTIONS (schema_name 'public', table_name 'posts');
};
}
$coord->safe_psql('sharded', $sharded_ddl . data_sql() . models_sql() . helpers_sql()
	  . "\nANALYZE;");
$coord->safe_psql('plain', 'ANALYZE');

my @per_shard = map { $_->safe_psql('shard', 'SELECT count(*) FROM posts') } @shards;
ok($per_shard[0] > 0 && $per_shard[1] > 0 && $per_shard[0] + $per_shard[1] == 60,
	"posts spread over both shards (@per_shard)");
is($coord->safe_psql('sharded', q{SELECT count(*) FROM ONLY public.posts}),
	'0', 'the coordinator holds no posts rows itself');

# ---------------------------------------------------------------------------
# Reads and writes: the same jsonb as the local tables.
# ---------------------------------------------------------------------------
my $t0 = time;
compare_reads($coord, 'sharded', 'plain', 'postgres_fdw');
note sprintf('reads compared in %.1f s', time - $t0);
$t0 = time;
compare_writes($coord, 'sharded', 'plain', 'postgres_fdw');
note sprintf('writes compared in %.1f s', time - $t0);

# A write that commits: the rows land on the shard their author hashes to.
$coord->safe_psql('sharded', q{SELECT ignis.create_all('Post', '[{"id": 2001, "authorId": 1, "title": "s"}, {"id": 2002, "authorId": 2, "title": "s"}]')});
is( join(',', map { $_->safe_psql('shard', 'SELECT count(*) FROM posts WHERE id > 2000') } @shards),
	$coord->safe_psql('sharded', q{SELECT string_agg(c::text, ',' ORDER BY r) FROM (SELECT r, count(p.id) c FROM generate_series(0, 1) r LEFT JOIN public.posts p ON p.id > 2000 AND p.tableoid = ('public.posts_' || r)::regclass GROUP BY r) x}),
	'committed create_all: each row on the shard of its partition');
$coord->safe_psql('sharded', q{SELECT ignis.delete_all('Post', '{"id": {"gt": 2000}}', '{"shouldHardDelete": true}')});
is(join(',', map { $_->safe_psql('shard', 'SELECT count(*) FROM posts WHERE id > 2000') } @shards),
	'0,0', 'committed hard delete_all removes them from both shards');

# ---------------------------------------------------------------------------
# What runs where: EXPLAIN (VERBOSE) of each statement shape.
# ---------------------------------------------------------------------------
my @shapes = (
	@read_shapes,
	[ 'find with range (count of the same where)', 'Post', '{"where": {"status": "published"}, "limit": 5}', '{"shouldQueryRange": true}' ],
	[ 'include one (posts -> author, local)', 'Post', '{"limit": 5, "include": ["author"]}' ],
	[ 'include many (users -> posts, sharded)', 'User', '{"limit": 3, "include": [{"relation": "posts", "scope": {"order": "views DESC", "limit": 2}}]}' ],
	[ 'include one (comments -> post, sharded)', 'Comment', '{"limit": 3, "include": ["post"]}' ],
);
my $report_file = "$PostgreSQL::Test::Utils::tmp_check/scaling_postgres_fdw.txt";
my %plan = explain_shapes($coord, 'sharded', $report_file, \@shapes,
	[ [ 'count, partitionwise aggregate on', q{SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM public.posts t0 WHERE t0.deleted_at IS NULL AND t0.status OPERATOR(pg_catalog.=) 'published'} ] ]);

# The facts docs/scaling.md states.
like($plan{'flat find'}, qr/Remote SQL: SELECT .* WHERE .*views >= 100.*status = 'published'/,
	'flat find: the where reaches the shards');
like($plan{'flat find'}, qr/Sort Key: t0\.views DESC, t0\.id\n\s+->  Append/,
	'flat find: the coordinator sorts the rows of all shards');
unlike($plan{'flat find'}, qr/Remote SQL: [^\n]*(ORDER BY|LIMIT)/,
	'flat find: neither ORDER BY nor LIMIT reaches the shards');
like($plan{'find on the distribution key'}, qr/Foreign Scan on public\.posts_\d/,
	'where on the partition key: one shard scanned');
unlike($plan{'find on the distribution key'}, qr/Append/,
	'where on the partition key: the other shard pruned');
unlike($plan{'find on the distribution key'}, qr/Remote SQL: [^\n]*LIMIT/,
	'single shard: the LIMIT stays on the coordinator (a partitioned table is no foreign table)');
like($plan{'count'}, qr/Aggregate\n\s+Output: count\(\*\)\n\s+->  Append/,
	'count: aggregated on the coordinator');
like($plan{'count'}, qr/Remote SQL: SELECT NULL FROM public\.posts WHERE/,
	'count: the shards filter and send empty rows');
unlike($plan{'count, partitionwise aggregate on'}, qr/Remote SQL: SELECT count/,
	'count with enable_partitionwise_aggregate: still no count on the shards');
like($plan{'include many (users -> posts, sharded)'}, qr/SubPlan.*Remote SQL: .*author_id = \$1::integer/s,
	'include of sharded rows: a correlated remote query per parent row');
like($plan{'include one (comments -> post, sharded)'}, qr/SubPlan.*posts_0.*Remote SQL: .*id = \$1::integer.*posts_1/s,
	'include one of sharded rows by id: each parent row queries both shards');
like($plan{'update_all'}, qr/Foreign Update on public\.posts_0/,
	'update_all: one UPDATE per shard (direct modify)');
like($plan{'delete_all (hard)'}, qr/Foreign Delete on public\.posts_0/,
	'delete_all: one DELETE per shard (direct modify)');

# ---------------------------------------------------------------------------
# Relation strategies: statements on the remote nodes (pg_stat_statements)
# and time per call, correlated and batched.
# Remote queries: the DECLARE CURSOR statements postgres_fdw sent to the
# shards; remote statements: those with their FETCH and CLOSE (connection
# set-up and transaction control left out).
# ---------------------------------------------------------------------------
SKIP:
{
	skip 'pg_stat_statements not installed', 6 unless $have_pgss;
	my @table = measure_strategies($coord, 'sharded', 'plain', 'shard',
		q{SELECT coalesce(sum(calls) FILTER (WHERE query ~ '^DECLARE'), 0) || '|' || coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query !~ 'pg_stat_statements|^(SET|START|COMMIT|ABORT|ROLLBACK)'}, 'postgres_fdw', @shards);
	open(my $sfh, '>>', $report_file) or die "$report_file: $!";
	print $sfh "### relation strategies\n", join("\n", @table), "\n";
	close $sfh;
	my %q = map { /^\| (.*?) \| (\w+) \| (\d+) \|/ ? ("$1/$2" => $3) : () } @table;
	is($q{'users (12) -> posts, many, top 3 by id/correlated'}, 12,
		'correlated include of sharded rows: one remote query per parent (partition pruned at run time)');
	is($q{'users (12) -> posts, many, top 3 by id/batched'}, 2,
		'batched include of sharded rows: one remote query per shard for the whole page');
	# the per-parent LIMIT 1 stops the Append once the first shard has the row
	ok($q{'comments (20) -> post, one/correlated'} > 20,
		'correlated include by a non-partition key: parents query both shards ('
		  . $q{'comments (20) -> post, one/correlated'} . ' remote queries for 20 parents)');
	is($q{'comments (20) -> post, one/batched'}, 2,
		'batched include by a non-partition key: one remote query per shard');
}

$_->stop foreach ($coord, @shards);
done_testing();
