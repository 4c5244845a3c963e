# The ignis read path on a streaming hot standby.
#
#   * a primary with the extension and docs/sample.sql loaded, a standby
#     streaming from a base backup of it;
#   * every read function (find with where/order/include/range, find_one,
#     find_by_id, count, exists_with, build_query, describe_model) works on the
#     standby and returns exactly the jsonb the primary returns, also as the
#     very first call of a fresh session (cold metadata and plan caches): the
#     read path writes nothing;
#   * write functions on the standby fail with PostgreSQL's read-only error
#     (SQLSTATE 25006), and the session and the server survive;
#   * catalog changes on the primary (a new model, a removed relation, a
#     removed model, a new column) reach a warm standby session after replay:
#     the cache invalidation crosses the replication boundary.
#
# Run as scripts/test.sh does: prove with PERL5LIB pointing at PostgreSQL's
# src/test/perl, as a user that may run initdb.
use strict;
use warnings;

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $FindBin::RealBin;
use IgnisTest;

my $sample_file = "$FindBin::RealBin/../../docs/sample.sql";
my $db          = 'ignis_hs';

# ---------------------------------------------------------------------------
# Primary and standby
# ---------------------------------------------------------------------------
remove_stale_node_dirs('primary', 'standby');
my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1, extra => [ '--encoding=UTF8', '--locale=C' ]);
$primary->append_conf('postgresql.conf', qq{
TimeZone = 'UTC'
log_min_messages = warning
});
$primary->start;

$primary->safe_psql('postgres', "CREATE DATABASE $db");
$primary->safe_psql($db, slurp_file($sample_file));

$primary->safe_psql($db, $try_function);

is($primary->safe_psql($db, q{SELECT ignis.count('User')}),
	'{"count": 6}', 'primary: sample data loaded');

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));

is($standby->safe_psql($db, 'SELECT pg_is_in_recovery()'),
	't', 'standby is in recovery (hot standby)');

my $standby_started =
  $standby->safe_psql('postgres', $server_lifetime);
like($standby_started, qr/^\d+$/, 'standby: checkpointer pid known (crash-restart detection)');

# ---------------------------------------------------------------------------
# Read functions: same jsonb on both sides, each the first statement of a
# fresh session (each safe_psql call is a new backend).
# ---------------------------------------------------------------------------
my @reads = (
	[ 'find: plain', q{SELECT ignis.find('User')} ],
	[
		'find: where + order',
		q{SELECT ignis.find('User', '{"where": {"role": "member", "age": {"gte": 19}}, "order": ["age DESC NULLS LAST", "email"]}')}
	],
	[
		'find: logic, JSON path, array operator, pattern',
		q{SELECT ignis.find('Post', '{"where": {"or": [{"metadata.priority": {"gt": 2}}, {"tags": {"overlaps": ["news"]}}], "not": {"title": {"ilike": "%dive%"}}}, "order": "metadata.priority DESC"}')}
	],
	[
		'find: include (nested, scoped)',
		q{SELECT ignis.find('User', '{"where": {"id": {"in": [1, 2, 4]}}, "include": [{"relation": "posts", "scope": {"order": ["views DESC"], "limit": 2, "include": ["category", {"relation": "postTags", "scope": {"include": ["tag"]}}]}}, "profile"]}')}
	],
	[
		'find: range metadata',
		q{SELECT ignis.find('User', '{"limit": 2, "skip": 2}', '{"shouldQueryRange": true}')}
	],
	[
		'find: default filter skipped',
		q{SELECT ignis.find('Post', '{"fields": ["id", "title", "deletedAt"]}', '{"shouldSkipDefaultFilter": true}')}
	],
	[
		'find_one',
		q{SELECT ignis.find_one('Post', '{"where": {"status": "published"}, "order": ["views DESC"], "include": ["author"]}')}
	],
	[ 'find_one: no match', q{SELECT ignis.find_one('User', '{"where": {"age": {"gt": 100}}}')} ],
	[ 'find_by_id: bigint', q{SELECT ignis.find_by_id('User', 1)} ],
	[
		'find_by_id: text + include',
		q{SELECT ignis.find_by_id('Post', '2', '{"include": ["author", "category"]}')}
	],
	[ 'find_by_id: not found', q{SELECT ignis.find_by_id('User', 42)} ],
	[ 'count', q{SELECT ignis.count('Post', '{"tags": {"contains": ["tech"]}}')} ],
	[ 'count: soft-deleted skipped', q{SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}')} ],
	[ 'exists_with: true', q{SELECT ignis.exists_with('User', '{"email": {"endsWith": ".fr"}}')} ],
	[ 'exists_with: false', q{SELECT ignis.exists_with('User', '{"role": "nobody"}')} ],
	[
		'build_query',
		q{SELECT ignis.build_query('Post', '{"where": {"metadata.priority": {"gt": 2}, "status": {"nin": ["draft", null]}}, "include": ["author"], "limit": 3}')}
	],
	map { [ "describe_model $_", "SELECT ignis.describe_model('$_')" ] }
	  qw(User Profile Category Post Tag PostTag),);

foreach my $r (@reads)
{
	my ($name, $sql) = @$r;
	my $expected = $primary->safe_psql($db, $sql);
	my ($ret, $got, $err) = $standby->psql($db, $sql);
	is($ret, 0, "standby, cold session: $name succeeds")
	  or diag "stderr: $err";
	is($got, $expected, "standby, cold session: $name returns the primary's jsonb");
}

# The expected errors of the read path are the same on both sides.
foreach my $r (
	[ 'find_by_id isStrict', q{SELECT try($$SELECT ignis.find_by_id('User', 42, '{}', '{"isStrict": true}')$$)} ],
	[ 'unknown property',    q{SELECT try($$SELECT ignis.find('User', '{"where": {"nickname": "x"}}')$$)} ],
	[ 'unknown model',       q{SELECT try($$SELECT ignis.count('Nope')$$)} ])
{
	my ($name, $sql) = @$r;
	my $expected = $primary->safe_psql($db, $sql);
	like($expected, qr/^ERROR [0-9A-Z]{5}: ignis: /, "primary: $name raises an ignis error");
	is($standby->safe_psql($db, $sql), $expected, "standby: $name raises the same error");
}

# The read path assigns no transaction id even on the primary (cold session).
is( $primary->safe_psql(
		$db, q{
BEGIN;
SELECT ignis.find('Post', '{"include": ["author", "category"]}') IS NOT NULL;
SELECT ignis.count('User', '{"age": {"between": [18, 40]}}') IS NOT NULL;
SELECT ignis.find_by_id('User', 3) IS NOT NULL;
SELECT ignis.build_query('User') IS NOT NULL;
SELECT ignis.describe_model('Post') IS NOT NULL;
SELECT pg_current_xact_id_if_assigned() IS NULL;
COMMIT;
}),
	"t\nt\nt\nt\nt\nt",
	'primary: read functions assign no transaction id');

# Within one standby session: the plan cache is populated and then hit.
my $stats = $standby->safe_psql(
	$db, q{
SELECT ignis.find('User', '{"where": {"role": "member"}}');
SELECT ignis.find('User', '{"where": {"role": "admin"}}');
SELECT (s->>'misses')::int >= 1 AND (s->>'hits')::int >= 1 AND (s->>'entries')::int >= 1
  FROM ignis.plan_cache_stats() s;
});
like($stats, qr/\nt$/, 'standby: plan cache filled on a miss, then hit');

# ---------------------------------------------------------------------------
# Writes on the standby: PostgreSQL's read-only error, no crash.
# ---------------------------------------------------------------------------
my @writes = (
	q{SELECT ignis.create('User', '{"id": 7, "email": "x@example.com"}')},
	q{SELECT ignis.create_all('PostTag', '[{"id": 9, "postId": 1, "tagId": 3}]')},
	q{SELECT ignis.update_by_id('User', 1, '{"age": 35}')},
	q{SELECT ignis.update_all('User', '{"role": "x"}', '{"role": "member"}')},
	q{SELECT ignis.update_by('Post', '{"views": 1}', '{"id": 1}')},
	q{SELECT ignis.delete_by_id('PostTag', 1)},
	q{SELECT ignis.delete_by_id('Post', 1)},
	q{SELECT ignis.delete_all('Post', '{}', '{"force": true, "shouldHardDelete": true}')},
	q{SELECT ignis.delete_by('Category', '{"id": 1}')},
	q{SELECT ignis.restore_by_id('Post', 6)},
	q{SELECT ignis.restore_all('Category', '{"id": 3}')},
	q{SELECT ignis.register_model('Tag2', 'public.tags')},
	q{SELECT ignis.unregister_model('PostTag', true)},
	q{SELECT ignis.register_relation('Tag', 'postTags', 'many', 'PostTag', '{"fields": ["id"], "references": ["tagId"]}')},
	q{SELECT ignis.unregister_relation('Post', 'author')},);

foreach my $w (@writes)
{
	my ($ret, $out, $err) = $standby->psql(
		$db,
		"\\set VERBOSITY verbose\n$w;\nSELECT ignis.count('User');",
		on_error_stop => 0);
	my ($fn) = $w =~ /ignis\.(\w+\('\w+')/;
	$fn .= ')';
	is($ret, 0, "standby: $fn returns control to the client");
	like($err, qr/ERROR:\s+25006:/, "standby: $fn fails with SQLSTATE 25006")
	  or diag "stderr: $err";
	note "stderr: $err";
	is($out, '{"count": 6}', "standby: session still works after $fn");
}

is($standby->safe_psql('postgres', $server_lifetime),
	$standby_started, 'standby: no backend crashed (no crash restart)');
my $find_all_posts =
  q{SELECT ignis.find('Post', '{}', '{"shouldSkipDefaultFilter": true}')};
is( $standby->safe_psql($db, $find_all_posts),
	$primary->safe_psql($db, $find_all_posts),
	'standby: data unchanged after the write attempts');

# ---------------------------------------------------------------------------
# Catalog changes on the primary reach a warm standby session after replay.
# ---------------------------------------------------------------------------
my $bg = $standby->background_psql($db, on_error_stop => 0);

sub bgq
{
	my ($sql) = @_;
	my $out = $bg->query_safe($sql);
	$out =~ s/^\s+|\s+$//g;
	return $out;
}

# Warm the metadata and plan caches of this session.
my %before = (
	note        => bgq(q{SELECT try($$SELECT ignis.find('Note')$$)}),
	post        => bgq(q{SELECT ignis.describe_model('Post')}),
	user        => bgq(q{SELECT ignis.describe_model('User')}),
	incl        => bgq(q{SELECT try($$SELECT ignis.find('Post', '{"include": ["category"]}')$$)}),
	profile     => bgq(q{SELECT try($$SELECT ignis.find('Profile')$$)}),
	user1       => bgq(q{SELECT ignis.find_by_id('User', 1)}),
	userprofile => bgq(q{SELECT try($$SELECT ignis.find('User', '{"include": ["profile"]}')$$)}),);
like($before{note}, qr/^ERROR 42704: ignis: unknown model "Note"/,
	'warm standby session: model Note unknown before');
like($before{post}, qr/"name": "category"/, 'warm standby session: Post has relation category before');
unlike($before{incl}, qr/^ERROR/, 'warm standby session: include category works before');
unlike($before{profile}, qr/^ERROR/, 'warm standby session: model Profile exists before');
unlike($before{user1}, qr/nickname/, 'warm standby session: User has no nickname before');

$primary->safe_psql(
	$db, q{
CREATE TABLE public.notes (id integer PRIMARY KEY, body text, user_id integer);
INSERT INTO public.notes VALUES (1, 'first', 1), (2, 'second', 2);
SELECT ignis.register_model('Note', 'public.notes', '{"naming": "camelCase"}');
SELECT ignis.unregister_relation('Post', 'category');
SELECT ignis.unregister_model('Profile', true);
ALTER TABLE public.users ADD COLUMN nickname text;
UPDATE public.users SET nickname = 'ally' WHERE id = 1;
});
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));

my %after = (
	note        => bgq(q{SELECT try($$SELECT ignis.find('Note')$$)}),
	post        => bgq(q{SELECT ignis.describe_model('Post')}),
	user        => bgq(q{SELECT ignis.describe_model('User')}),
	incl        => bgq(q{SELECT try($$SELECT ignis.find('Post', '{"include": ["category"]}')$$)}),
	profile     => bgq(q{SELECT try($$SELECT ignis.find('Profile')$$)}),
	user1       => bgq(q{SELECT ignis.find_by_id('User', 1)}),
	userprofile => bgq(q{SELECT try($$SELECT ignis.find('User', '{"include": ["profile"]}')$$)}),);

is($after{note}, $primary->safe_psql($db, q{SELECT ignis.find('Note')}),
	'warm standby session: new model Note visible after replay');
like($after{note}, qr/"body": "first"/, 'warm standby session: Note rows returned');
is($after{post}, $primary->safe_psql($db, q{SELECT ignis.describe_model('Post')}),
	'warm standby session: describe_model(Post) matches the primary after replay');
unlike($after{post}, qr/"name": "category"/, 'warm standby session: relation category gone');
like($after{incl}, qr/^ERROR 42704: ignis: /,
	'warm standby session: include of the removed relation fails with 42704');
like($after{profile}, qr/^ERROR 42704: ignis: unknown model "Profile"/,
	'warm standby session: unregistered model Profile unknown after replay');
like($after{userprofile}, qr/^ERROR 42704: ignis: /,
	'warm standby session: cascaded relation User.profile gone after replay');
is($after{user}, $primary->safe_psql($db, q{SELECT ignis.describe_model('User')}),
	'warm standby session: describe_model(User) shows the new column after replay');
is($after{user1}, $primary->safe_psql($db, q{SELECT ignis.find_by_id('User', 1)}),
	'warm standby session: find_by_id(User) returns the new column after replay');
like($after{user1}, qr/"nickname": "ally"/, 'warm standby session: new column value present');

# A second round: the relation comes back.
$primary->safe_psql($db,
	q{SELECT ignis.register_relation('Post', 'category', 'one', 'Category', '{"fields": ["categoryId"], "references": ["id"]}')});
$primary->wait_for_catchup($standby, 'replay', $primary->lsn('insert'));
my $incl_sql = q{SELECT ignis.find('Post', '{"include": ["category"], "order": ["id DESC"]}')};
is(bgq($incl_sql), $primary->safe_psql($db, $incl_sql),
	'warm standby session: re-registered relation usable after replay');

# Fresh standby sessions agree too.
foreach my $sql (
	q{SELECT ignis.find('Note', '{"where": {"userId": 2}}')},
	q{SELECT ignis.describe_model('Post')},
	q{SELECT ignis.find('User', '{"where": {"nickname": {"isNotNull": true}}}')})
{
	is($standby->safe_psql($db, $sql), $primary->safe_psql($db, $sql),
		"fresh standby session after replay: $sql");
}

$bg->quit;

is($standby->safe_psql('postgres', $server_lifetime),
	$standby_started, 'standby: still no crash restart at the end');
my $log = slurp_file($standby->logfile);
unlike($log, qr/terminated by signal|PANIC|TRAP:/, 'standby log: no crash, PANIC or assertion');

$standby->stop;
$primary->stop;

done_testing();
