# Models on Citus distributed tables.
#
#   * a Citus coordinator and two workers on loopback
#     (shared_preload_libraries = 'citus', citus_set_coordinator_host,
#     citus_add_node);
#   * database "dist": users distributed on id, posts and comments on
#     author_id, co-located with users (an include that follows the owner
#     key stays on one worker); categories a reference table;
#   * database "plain" on the same coordinator holds the same rows in plain
#     local tables;
#   * both register the same models and relations (test/t/ScaleOut.pm), and
#     every read and write function returns the same jsonb in both, except
#     the statement shapes Citus refuses, which are checked to fail with
#     the error docs/scaling.md records;
#   * EXPLAIN (VERBOSE) of each statement shape ignis generates shows what
#     the workers run; the plans are written to tmp_check/scaling_citus.txt;
#   * pg_stat_statements on the workers counts the statements an include
#     costs.
#
# Skipped when Citus is not installed for the server under test
# (scripts/build-citus.sh builds it for PostgreSQL 15 to 17).
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

remove_stale_node_dirs('coordinator', 'worker1', 'worker2');
my $coord = PostgreSQL::Test::Cluster->new('coordinator');

my $sharedir = $coord->config_data('--sharedir');
my $pkglibdir = $coord->config_data('--pkglibdir');
plan skip_all => "Citus is not installed for this server ($pkglibdir; scripts/build-citus.sh)"
  unless -f "$sharedir/extension/citus.control" && -f "$pkglibdir/citus.so";
my $have_pgss = -f "$sharedir/extension/pg_stat_statements.control";

my @workers = map { PostgreSQL::Test::Cluster->new($_) } qw(worker1 worker2);
foreach my $node ($coord, @workers)
{
	$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
	my $preload = $have_pgss ? 'citus,pg_stat_statements' : 'citus';
	$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = '$preload'
pg_stat_statements.track = all
TimeZone = 'UTC'
log_min_messages = warning
max_prepared_transactions = 20
listen_addresses = '127.0.0.1'
citus.shard_count = 4
citus.shard_replication_factor = 1
});
	# Citus' nodes reach each other over TCP on loopback
	$node->append_conf('pg_hba.conf', "host all all 127.0.0.1/32 trust\n");
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE dist');
	$node->safe_psql('dist', 'CREATE EXTENSION citus');
	$node->safe_psql('dist', 'CREATE EXTENSION pg_stat_statements') if $have_pgss;
}

$coord->safe_psql('dist', sprintf(q{SELECT citus_set_coordinator_host('127.0.0.1', %d)}, $coord->port));
foreach my $w (@workers)
{
	$coord->safe_psql('dist', sprintf(q{SELECT citus_add_node('127.0.0.1', %d)}, $w->port));
}
is($coord->safe_psql('dist', q{SELECT count(*) FROM citus_get_active_worker_nodes()}),
	'2', 'two active workers');

# ---------------------------------------------------------------------------
# "plain" (reference) and "dist" (Citus).
# ---------------------------------------------------------------------------
$coord->safe_psql('postgres', 'CREATE DATABASE plain');
$coord->safe_psql('plain', plain_schema_sql() . data_sql() . models_sql() . helpers_sql());

# A distributed table's unique constraints must contain its distribution
# column: posts and comments lose their primary key on id (the models name
# it instead).
$coord->safe_psql('dist', plain_schema_sql() . q{
ALTER TABLE public.posts DROP CONSTRAINT posts_pkey;
ALTER TABLE public.comments DROP CONSTRAINT comments_pkey;
SELECT create_reference_table('public.categories');
SELECT create_distributed_table('public.users', 'id');
SELECT create_distributed_table('public.posts', 'author_id', colocate_with => 'public.users');
SELECT create_distributed_table('public.comments', 'author_id', colocate_with => 'public.users');
} . data_sql() . models_sql() . helpers_sql() . "\nANALYZE;");

# Citus cannot plan a generic plan of a statement on a distributed table that
# SPI prepared with parameters (below); ignis plans every call instead.
$coord->safe_psql('dist', q{ALTER DATABASE dist SET ignis.plan_mode = 'force_custom_plan'});

is( $coord->safe_psql('dist', q{
SELECT string_agg(logicalrelid::text || ':' || coalesce(partkey_col, 'reference'), ' ' ORDER BY logicalrelid::text)
  FROM (SELECT logicalrelid, column_to_column_name(logicalrelid, partkey) AS partkey_col FROM pg_dist_partition) d}),
	'categories:reference comments:author_id posts:author_id users:id',
	'distributed on the owner key, categories a reference table');
is( $coord->safe_psql('dist', q{SELECT count(DISTINCT nodeport) FROM citus_shards WHERE table_name = 'public.posts'::regclass}),
	'2', 'posts shards on both workers');
is($coord->safe_psql('dist', q{SELECT count(*) FROM public.posts}), '60', 'all posts readable from the coordinator');

# ---------------------------------------------------------------------------
# Reads and writes: the same jsonb as the local tables, except the shapes
# Citus refuses (docs/scaling.md, "Citus").
# ---------------------------------------------------------------------------
my $not_colocated = qr/^ERROR 0A000: complex joins are only supported when all distributed tables are co-located and joined on their distribution columns$/;
my $anonymous_record = qr/^ERROR 0A000: input of anonymous composite types is not implemented$/;
my $citus_estimate = qr/"total": 100000, "countStrategy": "planned"/;
my %known_reads = (
	# the planner's row estimate of a distributed table is Citus' constant
	# 100,000, above ignis.count_exact_threshold: "estimated" takes it
	'find: range, countStrategy estimated'             => $citus_estimate,
	'find: range of comments, countStrategy estimated' => $citus_estimate,
	# correlated subqueries that do not correlate on the distribution column
	'include: posts -> comments (many)'             => $not_colocated,
	'include: comments -> post (one) -> author'     => $not_colocated,
	'include: nested users -> posts -> comments'    => $not_colocated,
	'find_by_id'                                    => $not_colocated,
	'relation filter: posts without comments'       => $not_colocated,
	'include: category -> posts (inverse)' =>
	  qr/^ERROR 0A000: correlated subqueries are not supported when the FROM clause contains a reference table$/,
	# the batched shape: a record column crosses an intermediate result
	'include, batched: posts -> author (one) and category' => $anonymous_record,
	'include, batched: posts -> comments (many)'           => $anonymous_record,
	'include, batched: comments -> post (one) -> author' =>
	  qr/^ERROR 0A000: correlated subqueries are not supported when the FROM clause contains a CTE or subquery$/,
	'include, batched: nested users -> posts -> comments' => $not_colocated,
);
my %known_writes = (
	# RETURNING rows come back shard by shard, not in the order given
	'create_all (rows for several shards)' => qr/^\{"data": \[.*\], "count": 3\}$/,
);

my $t0 = time;
my $got = compare_reads($coord, 'dist', 'plain', 'Citus', \%known_reads);
note sprintf('reads compared in %.1f s', time - $t0);
foreach my $name (sort keys %$got)
{
	note "Citus: $name: $got->{$name}" if $got->{$name} =~ /^ERROR/;
}
$t0 = time;
$got = compare_writes($coord, 'dist', 'plain', 'Citus', \%known_writes);
note sprintf('writes compared in %.1f s', time - $t0);
foreach my $name (sort keys %$got)
{
	note "Citus: $name: $got->{$name}" if $got->{$name} =~ /^ERROR/m;
}

# create_all: the same rows, in shard order (sorted, they match).
my $sorted_create_all = q{
BEGIN;
SELECT (SELECT jsonb_agg(e ORDER BY (e->>'id')::int) FROM jsonb_array_elements(r->'data') e)
  FROM ignis.create_all('Post', '[{"id": 1002, "authorId": 1, "title": "A"}, {"id": 1003, "authorId": 2, "title": "B", "views": 9}, {"id": 1004, "authorId": 7, "title": "C", "categoryId": 2}]') r;
ROLLBACK;
};
is($coord->safe_psql('dist', $sorted_create_all), $coord->safe_psql('plain', $sorted_create_all),
	'create_all across shards: the local tables\' rows, in another order');

# update_all reaches every shard: committed (in both databases), then
# checked on the workers themselves.
my $update_drafts = q{SELECT ignis.update_all('Post', '{"views": 7}', '{"status": "draft"}')};
is($coord->safe_psql('dist', $update_drafts), $coord->safe_psql('plain', $update_drafts),
	'committed update_all across shards');
my $draft_views = 0;
$draft_views += $_->safe_psql('dist', q{
SET citus.show_shards_for_app_name_prefixes = '*';
SELECT coalesce(sum(n), 0) FROM (
  SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I WHERE status = ''draft'' AND views = 7 AND deleted_at IS NULL', relname), false, true, '')))[1]::text::int AS n
    FROM pg_class WHERE relname ~ '^posts_\d+$' AND relkind = 'r') s}) foreach @workers;
is($draft_views, $coord->safe_psql('plain', q{SELECT count(*) FROM posts WHERE status = 'draft' AND deleted_at IS NULL}),
	'committed update_all: every draft on every worker updated');

# The generic plan of a multi-shard read that SPI prepared: Citus refuses it.
like( $coord->safe_psql('dist', q{
SET ignis.plan_mode = force_generic_plan;
SELECT public.try($$SELECT ignis.find('Comment', '{"order": "id", "limit": 3}')$$);
}),
	qr/^ERROR 0A000: could not create distributed plan$/,
	'known limitation: a generic plan of a multi-shard read is refused (ignis.plan_mode = force_custom_plan needed)');

# ---------------------------------------------------------------------------
# What runs where: EXPLAIN (VERBOSE) of each statement shape.
# ---------------------------------------------------------------------------
my @shapes = (
	@read_shapes,
	[ 'include one (posts -> author, co-located)', 'Post', '{"limit": 5, "include": ["author"]}' ],
	[ 'include many (users -> posts, co-located)', 'User', '{"limit": 3, "include": [{"relation": "posts", "scope": {"order": "views DESC", "limit": 2}}]}' ],
	[ 'include one (posts -> category, reference table)', 'Post', '{"limit": 3, "include": ["category"]}' ],
	[ 'include many (posts -> comments, not on the distribution key)', 'Post', '{"limit": 3, "include": ["comments"]}' ],
	[ 'include many, batched (posts -> comments, not on the distribution key)', 'Post', '{"limit": 3, "include": [{"relation": "comments", "strategy": "batched"}]}' ],
);
my $report_file = "$PostgreSQL::Test::Utils::tmp_check/scaling_citus.txt";
my %plan = explain_shapes($coord, 'dist', $report_file, \@shapes,
	[]);

# ---------------------------------------------------------------------------
# Statements on the workers for one include (pg_stat_statements).
# ---------------------------------------------------------------------------
# ---------------------------------------------------------------------------
# Relation strategies: statements on the remote nodes (pg_stat_statements)
# and time per call, correlated and batched.
# Remote queries: statements on shard tables that the workers ran and that
# read (SELECT or WITH); remote statements: every statement on a shard table.
# ---------------------------------------------------------------------------
SKIP:
{
	skip 'pg_stat_statements not installed', 6 unless $have_pgss;
	my @table = measure_strategies($coord, 'dist', 'plain', 'dist',
		q{SELECT coalesce(sum(calls) FILTER (WHERE query ~ '^(SELECT|WITH)'), 0) || '|' || coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query ~ '_\d{6}' AND query !~ 'pg_stat_statements'}, 'Citus', @workers);
	open(my $sfh, '>>', $report_file) or die "$report_file: $!";
	print $sfh "### relation strategies\n", join("\n", @table), "\n";
	close $sfh;
}

$_->stop foreach ($coord, @workers);
done_testing();
