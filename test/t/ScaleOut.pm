# What the scale-out TAP tests (020_postgres_fdw.pl, 021_citus.pl) share: the
# data, the models and relations, the read and write calls compared between a
# spread-out copy of the data and the same data in plain local tables, and
# the helpers that EXPLAIN the statements ignis generates.
#
# Both tests load the same rows into two databases of one coordinator:
#   * "plain": users, posts, comments and categories as ordinary tables;
#   * the spread-out one (postgres_fdw partitions or Citus distributed
#     tables), whose schema each test creates itself;
# register the same models and relations in both, run every call of
# @reads and @writes in both and compare the jsonb.
package ScaleOut;

use strict;
use warnings;

use Exporter 'import';
use Test::More;
use IgnisTest;

our @EXPORT = qw(plain_schema_sql posts_sql data_sql models_sql helpers_sql
  @reads @writes @contents @strategy_reads measure_strategies explain_shapes @read_shapes run_all compare_reads compare_writes mask_now explain_read
  explain_write remote_lines);

# The local reference schema. The spread-out tests create the same columns.
sub plain_schema_sql
{
	return q{
CREATE TABLE public.categories (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.users (
  id         integer PRIMARY KEY,
  email      text NOT NULL,
  name       text,
  role       text NOT NULL DEFAULT 'member',
  age        integer,
  created_at timestamptz NOT NULL
);
CREATE TABLE public.posts (
  id           integer PRIMARY KEY,
  author_id    integer NOT NULL,
  category_id  integer,
  title        text NOT NULL,
  status       text NOT NULL DEFAULT 'draft',
  views        integer NOT NULL DEFAULT 0,
  tags         text[],
  metadata     jsonb,
  published_at timestamptz,
  deleted_at   timestamptz
);
CREATE TABLE public.comments (
  id         integer PRIMARY KEY,
  post_id    integer NOT NULL,
  author_id  integer NOT NULL,
  body       text NOT NULL,
  created_at timestamptz NOT NULL
);
};
}

# The posts table of the plain schema alone; with $spread, without the
# primary key (a partitioned or distributed table has none on id alone) and
# followed by $spread (e.g. "PARTITION BY HASH (author_id)").
sub posts_sql
{
	my ($spread) = @_;
	my ($ddl) = plain_schema_sql() =~ /(CREATE TABLE public\.posts \(.*?\n\))/s;
	if (defined $spread)
	{
		$ddl =~ s/id           integer PRIMARY KEY/id           integer NOT NULL/;
		$ddl .= " $spread";
	}
	return "$ddl;\n";
}

# Deterministic rows: 4 categories, 12 users, 60 posts (every tenth a draft,
# every fifteenth soft-deleted), 150 comments.
sub data_sql
{
	return q{
SET TimeZone = 'UTC';
INSERT INTO public.categories VALUES (1, 'News'), (2, 'Tech'), (3, 'Life'), (4, 'Old');
INSERT INTO public.users
SELECT i, 'u' || i || '@example.com',
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'User ' || i END,
       (ARRAY['admin', 'member', 'guest'])[i % 3 + 1],
       CASE WHEN i % 6 = 0 THEN NULL ELSE 18 + (i * 7) % 40 END,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day 1 hour'
  FROM generate_series(1, 12) i;
INSERT INTO public.posts
SELECT i, (i * 7) % 12 + 1,
       CASE WHEN i % 9 = 0 THEN NULL ELSE i % 4 + 1 END,
       'Post ' || i,
       CASE i % 10 WHEN 0 THEN 'draft' WHEN 1 THEN 'archived' ELSE 'published' END,
       (i * 37) % 500,
       CASE WHEN i % 4 = 0 THEN NULL ELSE ARRAY['t' || i % 3, 'x' || i % 5] END,
       jsonb_build_object('priority', i % 5, 'flags', jsonb_build_object('featured', i % 7 = 0)),
       CASE WHEN i % 10 = 0 THEN NULL ELSE timestamptz '2024-02-01 00:00:00+00' + i * interval '13 hours' END,
       CASE WHEN i % 15 = 0 THEN timestamptz '2024-06-01 00:00:00+00' + i * interval '1 hour' END
  FROM generate_series(1, 60) i;
INSERT INTO public.comments
SELECT i, (i * 13) % 60 + 1, (i * 5) % 12 + 1, 'Comment ' || i,
       timestamptz '2024-03-01 00:00:00+00' + i * interval '7 hours'
  FROM generate_series(1, 150) i;
};
}

# Models and relations. The primary key is named because a partitioned table
# with foreign partitions, and a Citus table distributed on another column,
# cannot have a primary key on id alone.
sub models_sql
{
	return q{
CREATE EXTENSION IF NOT EXISTS ignis;
SELECT ignis.register_model('Category', 'public.categories', '{"primaryKey": "id"}');
SELECT ignis.register_model('User',     'public.users',      '{"naming": "camelCase", "primaryKey": "id"}');
SELECT ignis.register_model('Post',     'public.posts',      '{"naming": "camelCase", "primaryKey": "id", "softDelete": {"property": "deletedAt"}}');
SELECT ignis.register_model('Comment',  'public.comments',   '{"naming": "camelCase", "primaryKey": "id"}');
SELECT ignis.register_relation('User',     'posts',    'many', 'Post',     '{"fields": ["id"], "references": ["authorId"]}');
SELECT ignis.register_relation('User',     'comments', 'many', 'Comment',  '{"fields": ["id"], "references": ["authorId"]}');
SELECT ignis.register_relation('Post',     'author',   'one',  'User',     '{"fields": ["authorId"], "references": ["id"]}');
SELECT ignis.register_relation('Post',     'category', 'one',  'Category', '{"fields": ["categoryId"], "references": ["id"]}');
SELECT ignis.register_relation('Post',     'comments', 'many', 'Comment',  '{"fields": ["id"], "references": ["postId"]}');
SELECT ignis.register_relation('Comment',  'post',     'one',  'Post',     '{"fields": ["postId"], "references": ["id"]}');
SELECT ignis.register_relation('Comment',  'author',   'one',  'User',     '{"fields": ["authorId"], "references": ["id"]}');
SELECT ignis.register_relation('Category', 'posts',    'many', 'Post',     '{"inverseOf": "category"}');
};
}

# try(sql): the value of a one-value statement, or "ERROR <sqlstate>: <message>";
# explain_sql(sql, params): EXPLAIN (VERBOSE, COSTS OFF) of a statement ignis
# generated, its parameters written in as literals (what a per-call plan sees);
# ms_per_call(sql, n): mean wall time of n runs after a first one.
sub helpers_sql
{
	return $IgnisTest::try_function . q{
CREATE FUNCTION public.ms_per_call(q text, n int) RETURNS numeric
LANGUAGE plpgsql AS $fn$
DECLARE
  t0 timestamptz;
  r  text;
BEGIN
  EXECUTE q INTO r;  -- plans cached, connections open
  t0 := clock_timestamp();
  FOR i IN 1 .. n LOOP
    EXECUTE q INTO r;
  END LOOP;
  RETURN round((extract(epoch FROM clock_timestamp() - t0) * 1000 / n)::numeric, 2);
END
$fn$;
CREATE FUNCTION public.explain_sql(q text, params jsonb) RETURNS SETOF text
LANGUAGE plpgsql AS $fn$
DECLARE
  i   int;
  p   jsonb;
  lit text;
BEGIN
  FOR i IN REVERSE jsonb_array_length(params) .. 1 LOOP
    p := params -> (i - 1);
    lit := CASE jsonb_typeof(p)
             WHEN 'null' THEN 'NULL'
             WHEN 'array' THEN quote_literal(ARRAY(SELECT jsonb_array_elements_text(p))::text)
             WHEN 'object' THEN quote_literal(p::text)
             ELSE quote_literal(p #>> '{}') END;
    q := replace(q, '$' || i || '::', lit || '::');
  END LOOP;
  RETURN QUERY EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q;
END
$fn$;
};
}

# Read calls, run as they are in both databases.
our @reads = (
	[ 'find: plain page', q{SELECT ignis.find('Post')} ],
	[ 'find: where + order + limit',
		q{SELECT ignis.find('Post', '{"where": {"status": "published", "views": {"gte": 100}}, "order": ["views DESC", "id"], "limit": 7}')} ],
	[ 'find: skip, JSON path, array operator',
		q{SELECT ignis.find('Post', '{"where": {"or": [{"metadata.priority": {"gt": 3}}, {"tags": {"contains": ["t1"]}}]}, "order": "publishedAt DESC NULLS LAST", "limit": 5, "skip": 4}')} ],
	[ 'find: in-list and fields',
		q{SELECT ignis.find('Post', '{"where": {"authorId": {"in": [2, 5, 9]}}, "fields": ["id", "title", "authorId"], "order": "id DESC", "limit": 100}')} ],
	[ 'find: local table', q{SELECT ignis.find('User', '{"where": {"role": "member"}, "order": "age DESC NULLS LAST"}')} ],
	[ 'find: comments by post', q{SELECT ignis.find('Comment', '{"where": {"postId": {"lte": 5}}, "order": ["postId", "id"], "limit": 50}')} ],
	[ 'find: soft-deleted included', q{SELECT ignis.find('Post', '{"where": {"id": {"lte": 30}}, "order": "id", "limit": 30}', '{"shouldSkipDefaultFilter": true}')} ],
	(map {
		my $s = $_;
		(
			[ "find: range, countStrategy $s",
				qq{SELECT ignis.find('Post', '{"where": {"status": "published"}, "order": "views DESC", "limit": 5, "skip": 10}', '{"shouldQueryRange": true, "countStrategy": "$s"}')} ],
			[ "find: range of comments, countStrategy $s",
				qq{SELECT ignis.find('Comment', '{"where": {"authorId": {"lt": 7}}, "limit": 4}', '{"shouldQueryRange": true, "countStrategy": "$s"}')} ],
		)
	} qw(exact planned estimated)),
	[ 'find: range, default strategy', q{SELECT ignis.find('Post', '{"limit": 3}', '{"shouldQueryRange": true}')} ],
	[ 'include: local users -> posts (many, scoped)',
		q{SELECT ignis.find('User', '{"where": {"id": {"lte": 6}}, "include": [{"relation": "posts", "scope": {"where": {"status": "published"}, "order": ["views DESC"], "limit": 3}}]}')} ],
	[ 'include: posts -> author (one) and category',
		q{SELECT ignis.find('Post', '{"order": "id", "limit": 12, "include": ["author", "category"]}')} ],
	[ 'include: posts -> comments (many)',
		q{SELECT ignis.find('Post', '{"where": {"id": {"between": [10, 20]}}, "order": "id", "include": [{"relation": "comments", "scope": {"order": "id DESC", "limit": 2}}]}')} ],
	[ 'include: comments -> post (one) -> author',
		q{SELECT ignis.find('Comment', '{"order": "id", "limit": 8, "include": [{"relation": "post", "scope": {"include": ["author"]}}, "author"]}')} ],
	[ 'include: nested users -> posts -> comments',
		q{SELECT ignis.find('User', '{"order": "id", "limit": 4, "include": [{"relation": "posts", "scope": {"order": "id", "limit": 2, "include": [{"relation": "comments", "scope": {"order": "id"}}]}}, "comments"]}')} ],
	[ 'include: category -> posts (inverse)',
		q{SELECT ignis.find('Category', '{"order": "id", "include": [{"relation": "posts", "scope": {"order": "id", "limit": 3, "fields": ["id", "title"]}}]}')} ],
	[ 'include, batched: local users -> posts (many, scoped)',
		q{SELECT ignis.find('User', '{"where": {"id": {"lte": 6}}, "include": [{"relation": "posts", "strategy": "batched", "scope": {"where": {"status": "published"}, "order": ["views DESC"], "limit": 3}}]}')} ],
	[ 'include, batched: posts -> author (one) and category',
		q{SELECT ignis.find('Post', '{"order": "id", "limit": 12, "include": [{"relation": "author", "strategy": "batched"}, {"relation": "category", "strategy": "batched"}]}')} ],
	[ 'include, batched: posts -> comments (many)',
		q{SELECT ignis.find('Post', '{"where": {"id": {"between": [10, 20]}}, "order": "id", "include": [{"relation": "comments", "strategy": "batched", "scope": {"order": "id DESC", "limit": 2}}]}')} ],
	[ 'include, batched: comments -> post (one) -> author',
		q{SELECT ignis.find('Comment', '{"order": "id", "limit": 8, "include": [{"relation": "post", "strategy": "batched", "scope": {"include": ["author"]}}, {"relation": "author", "strategy": "batched"}]}')} ],
	[ 'include, batched: nested users -> posts -> comments',
		q{SELECT ignis.find('User', '{"order": "id", "limit": 4, "include": [{"relation": "posts", "strategy": "batched", "scope": {"order": "id", "limit": 2, "include": [{"relation": "comments", "scope": {"order": "id"}}]}}, {"relation": "comments", "strategy": "batched"}]}')} ],
	[ 'relation count: users -> posts',
		q{SELECT ignis.find('User', '{"order": "id", "include": [{"relation": "posts", "count": true}, {"relation": "comments", "count": true, "scope": {"where": {"postId": {"lt": 30}}}}]}')} ],
	[ 'order by a related row: posts by author name',
		q{SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "order": ["author.name DESC NULLS LAST", "id"], "limit": 10}')} ],
	[ 'relation filter: users with a published post of 100+ views',
		q{SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {"status": "published", "views": {"gte": 100}}}}, "order": "id"}')} ],
	[ 'relation filter: users all of whose posts are published, or without posts',
		q{SELECT ignis.count('User', '{"posts": {"every": {"status": "published"}}}')} ],
	[ 'relation filter: posts by members',
		q{SELECT ignis.find('Post', '{"fields": ["id"], "where": {"author": {"some": {"role": "member"}}}, "order": "id", "limit": 20}')} ],
	[ 'relation filter: posts without comments',
		q{SELECT ignis.find('Post', '{"fields": ["id"], "where": {"comments": null}, "order": "id"}')} ],
	[ 'find_one', q{SELECT ignis.find_one('Post', '{"where": {"status": "published"}, "order": ["views DESC"], "include": ["author"]}')} ],
	[ 'find_one: no match', q{SELECT ignis.find_one('Post', '{"where": {"views": {"gt": 100000}}}')} ],
	[ 'find_by_id', q{SELECT ignis.find_by_id('Post', 17, '{"include": ["author", "comments"]}')} ],
	[ 'find_by_id: soft-deleted hidden', q{SELECT ignis.find_by_id('Post', 15)} ],
	[ 'count', q{SELECT ignis.count('Post', '{"status": "published"}')} ],
	[ 'count: all, deleted too', q{SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}')} ],
	[ 'count: comments', q{SELECT ignis.count('Comment', '{"authorId": 3}')} ],
	[ 'exists_with: true', q{SELECT ignis.exists_with('Post', '{"title": {"like": "Post 4%"}}')} ],
	[ 'exists_with: false', q{SELECT ignis.exists_with('Post', '{"authorId": 99}')} ],
);

# Write calls: [name, statements]. Each runs in its own transaction in both
# databases, followed by the contents of every table, and is rolled back.
our @writes = (
	[ 'create', q{SELECT ignis.create('Post', '{"id": 1001, "authorId": 3, "title": "New", "status": "published", "views": 5, "tags": ["a"], "metadata": {"priority": 1}}')} ],
	[ 'create_all (rows for several shards)',
		q{SELECT ignis.create_all('Post', '[{"id": 1002, "authorId": 1, "title": "A"}, {"id": 1003, "authorId": 2, "title": "B", "views": 9}, {"id": 1004, "authorId": 7, "title": "C", "categoryId": 2}]')} ],
	[ 'create: comment', q{SELECT ignis.create('Comment', '{"id": 1001, "postId": 4, "authorId": 9, "body": "hi", "createdAt": "2024-09-01T00:00:00Z"}')} ],
	[ 'update_by_id', q{SELECT ignis.update_by_id('Post', 8, '{"title": "Renamed", "views": 1}')} ],
	[ 'update_by_id: not found', q{SELECT ignis.update_by_id('Post', 999, '{"views": 1}')} ],
	[ 'update_all (across shards)', q{SELECT ignis.update_all('Post', '{"status": "archived"}', '{"status": "draft"}')} ],
	[ 'update_all: JSON path where', q{SELECT ignis.update_all('Post', '{"views": 0}', '{"metadata.priority": 4}')} ],
	[ 'update_by', q{SELECT ignis.update_by('Comment', '{"body": "edited"}', '{"postId": {"in": [3, 33]}}')} ],
	[ 'update_all: relation filter', q{SELECT ignis.update_all('Post', '{"views": 3}', '{"author": {"some": {"role": "admin"}}}')} ],
	[ 'delete_by_id (soft)', q{SELECT ignis.delete_by_id('Post', 9)} ],
	[ 'delete_by_id (hard delete of a soft-delete model)',
		q{SELECT ignis.delete_by_id('Post', 10, '{"shouldHardDelete": true}')} ],
	[ 'delete_by_id: comment', q{SELECT ignis.delete_by_id('Comment', 44)} ],
	[ 'delete_all (soft, across shards)', q{SELECT ignis.delete_all('Post', '{"views": {"lt": 60}}')} ],
	[ 'delete_all: comments', q{SELECT ignis.delete_all('Comment', '{"authorId": 4}')} ],
	[ 'delete_by', q{SELECT ignis.delete_by('Comment', '{"id": {"gt": 140}}')} ],
	[ 'restore_by_id', q{SELECT ignis.restore_by_id('Post', 15)} ],
	[ 'restore_all', q{SELECT ignis.restore_all('Post', '{"id": {"gte": 30}}')} ],
	[ 'restore_by', q{SELECT ignis.restore_by('Post', '{"authorId": 7}')} ],
	[ 'delete then restore in one transaction',
		q{SELECT ignis.delete_all('Post', '{"authorId": 5}'); SELECT ignis.restore_all('Post', '{"authorId": 5}')} ],
);

# Every table's contents, read through ignis (deleted posts too).
our @contents = (
	q{SELECT ignis.find('Post', '{"order": "id", "limit": 10000}', '{"shouldSkipDefaultFilter": true}')},
	q{SELECT ignis.find('Comment', '{"order": "id", "limit": 10000}')},
);

# Soft deletes write now(): two databases, two transactions, two clocks.
# Timestamps the data does not hold (not in 2024) become "<now>".
sub mask_now
{
	my ($s) = @_;
	$s =~ s/"deletedAt": "(?!2024-)[^"]*"/"deletedAt": "<now>"/g;
	return $s;
}

# Planned totals are the planner's estimate, which depends on each side's
# statistics; they are compared apart.
sub mask_planned
{
	my ($s) = @_;
	$s =~ s/"total": \d+, "countStrategy": "planned"/"total": <planned>, "countStrategy": "planned"/g;
	return $s;
}

# Run statements in one session of a database, each through try(): one line
# per statement, its value or "ERROR <sqlstate>: <message>".
sub run_all
{
	my ($node, $db, @stmts) = @_;
	my $script = join("\n", map {
		/^(BEGIN|ROLLBACK)$/ ? "$_;" : 'SELECT public.try($ignis$' . $_ . '$ignis$);'
	} @stmts);
	my $out = $node->safe_psql($db, $script);
	return split /\n/, $out, -1;
}

# compare_reads($node, $spread_db, $plain_db, $label, \%known): each read in
# both databases, same jsonb. %known maps a read's name to the error the
# spread-out engine raises for it (a regexp, checked: a documented
# limitation), or to the reason it is not compared (a string: skipped).
sub compare_reads
{
	my ($node, $spread, $plain, $label, $skip) = @_;
	my @sql = map { $_->[1] } @reads;
	my @expected = run_all($node, $plain, @sql);
	my @got = run_all($node, $spread, @sql);
	my %got;
	foreach my $i (0 .. $#reads)
	{
		my $name = $reads[$i][0];
		my ($got, $expected) = ($got[$i] // '', $expected[$i] // '');
		$got{$name} = $got;
		if ($skip && ref $skip->{$name} eq 'Regexp')
		{
			like($got, $skip->{$name}, "$label: $name: known limitation, refused as documented");
			next;
		}
	  SKIP:
		{
			skip "$label: $name: $skip->{$name}", 2 if $skip && $skip->{$name};
			unlike($got, qr/^ERROR/, "$label: $name runs");
			if ($sql[$i] =~ /"planned"/)
			{
				is(mask_planned($got), mask_planned($expected),
					"$label: $name returns the local tables' rows (planned total apart)");
				my ($t) = $got =~ /"total": (\d+)/;
				my ($e) = $expected =~ /"total": (\d+)/;
				note "$label: $name: planned total " . ($t // '?') . ' (local: ' . ($e // '?') . ')';
			}
			else
			{
				is($got, $expected, "$label: $name returns the local tables' jsonb");
			}
		}
	}
	return \%got;
}

# compare_writes($node, $spread_db, $plain_db, $label, \%skip): each write in a
# transaction in both databases, with the tables' contents after it, then
# rolled back.
sub compare_writes
{
	my ($node, $spread, $plain, $label, $skip) = @_;
	my @stmts;
	foreach my $w (@writes)
	{
		push @stmts, 'BEGIN', split(/;\s*/, $w->[1]), @contents, 'ROLLBACK';
	}
	my @expected = run_all($node, $plain, @stmts);
	my @got = run_all($node, $spread, @stmts);
	my %got;
	my $i = 0;
	foreach my $w (@writes)
	{
		my ($name, $sql) = @$w;
		my $n = scalar(split(/;\s*/, $sql));
		my @g = map { mask_now($_ // '') } @got[ $i .. $i + $n - 1 ];
		my @e = map { mask_now($_ // '') } @expected[ $i .. $i + $n - 1 ];
		my @gc = @got[ $i + $n .. $i + $n + $#contents ];
		my @ec = @expected[ $i + $n .. $i + $n + $#contents ];
		$i += $n + @contents;
		$got{$name} = join("\n", @g);
		if ($skip && ref $skip->{$name} eq 'Regexp')
		{
			like($got{$name}, $skip->{$name}, "$label: $name: known limitation, refused as documented");
			next;
		}
	  SKIP:
		{
			skip "$label: $name: $skip->{$name}", 3 if $skip && $skip->{$name};
			unlike(join("\n", @g), qr/^ERROR/m, "$label: $name runs");
			is(join("\n", @g), join("\n", @e), "$label: $name returns the local tables' jsonb");
			is(mask_now(join("\n", @gc)), mask_now(join("\n", @ec)),
				"$label: tables after $name hold what the local tables hold");
		}
	}
	# and nothing was left behind
	is(join("\n", run_all($node, $spread, @contents)),
		join("\n", run_all($node, $plain, @contents)),
		"$label: every write rolled back");
	return \%got;
}

# Includes measured with both relation strategies.
our @strategy_reads = (
	[ 'users (12) -> posts, many, top 3 by id', 'User',
		'{"order": "id", "limit": 12, "include": [{"relation": "posts", "strategy": "%s", "scope": {"order": "id", "limit": 3}}]}' ],
	[ 'comments (20) -> post, one', 'Comment',
		'{"order": "id", "limit": 20, "include": [{"relation": "post", "strategy": "%s"}]}' ],
	[ 'posts (20) -> comments, many', 'Post',
		'{"order": "id", "limit": 20, "include": [{"relation": "comments", "strategy": "%s"}]}' ],
);

# measure_strategies($node, $db, $plain, $remote_db, $count_sql, $label, @remotes):
# for each include of @strategy_reads and each strategy, the result (checked
# against the local tables), the statements the remote nodes received (the
# sum of $count_sql over @remotes after pg_stat_statements_reset()) and the
# mean time per call, both strategies timed side by side in one session.
# Returns the lines of a table (markdown).
sub measure_strategies
{
	my ($node, $db, $plain, $remote_db, $count_sql, $label, @remotes) = @_;
	my @rows = ('| include | strategy | remote queries | remote statements | ms per call |',
		'|---|---|---:|---:|---:|');
	foreach my $m (@strategy_reads)
	{
		my ($name, $model, $filter) = @$m;
		my %r;
		foreach my $strategy (qw(correlated batched))
		{
			my $sql = sprintf(q{SELECT ignis.find('%s', '%s')}, $model, sprintf($filter, $strategy));
			$_->safe_psql($remote_db, 'SELECT pg_stat_statements_reset()') foreach @remotes;
			my $got = join('', run_all($node, $db, $sql));
			my ($queries, $statements) = (0, 0);
			foreach my $rn (@remotes)
			{
				my ($q, $st) = split /\|/, $rn->safe_psql($remote_db, $count_sql);
				$queries += $q;
				$statements += $st;
			}
			$r{$strategy} = [ $got, $queries, $statements, $sql ];
		}
		my $expected = $node->safe_psql($plain,
			sprintf(q{SELECT ignis.find('%s', '%s')}, $model, sprintf($filter, 'correlated')));
		# side by side: correlated, batched, correlated, batched
		my @t = run_all($node, $db, map {
			my $q = $r{$_}[3];
			$q =~ s/'/''/g;
			"SELECT public.ms_per_call('$q', 10)"
		} qw(correlated batched correlated batched));
		foreach my $strategy (qw(correlated batched))
		{
			my ($got, $q, $st) = @{ $r{$strategy} };
			if ($got =~ /^ERROR/)
			{
				push @rows, "| $name | $strategy | refused: " . substr($got, 0, 120) . ' | | |';
				note "$label: $name, $strategy: $got";
				next;
			}
			is($got, $expected, "$label: $name, $strategy: the local tables' jsonb");
			my $ms = $strategy eq 'correlated' ? "$t[0], $t[2]" : "$t[1], $t[3]";
			push @rows, "| $name | $strategy | $q | $st | $ms |";
		}
	}
	note join("\n", "$label: relation strategies", @rows);
	return @rows;
}

# Read shapes both tests explain ([name, model, filter, options]).
our @read_shapes = (
	[ 'flat find', 'Post', '{"where": {"status": "published", "views": {"gte": 100}}, "order": "views DESC", "limit": 5}' ],
	[ 'find by id', 'Post', '{"where": {"id": 17}}' ],
	[ 'find on the distribution key', 'Post', '{"where": {"authorId": 3}, "order": "id", "limit": 5}' ],
	[ 'include many, batched (users -> posts)', 'User', '{"limit": 3, "include": [{"relation": "posts", "strategy": "batched", "scope": {"order": "views DESC", "limit": 2}}]}' ],
	[ 'include one, batched (comments -> post)', 'Comment', '{"limit": 3, "include": [{"relation": "post", "strategy": "batched"}]}' ],
);

# Statement shapes explained by both tests besides their own: the range
# total and exists (the statements count and exists_with run for this where)
# and the writes (their statement from options.log).
our @count_shapes = (
	[ 'count', q{SELECT count(*) FROM public.posts t0 WHERE t0.deleted_at IS NULL AND t0.status OPERATOR(pg_catalog.=) 'published'} ],
	[ 'exists', q{SELECT EXISTS (SELECT 1 FROM public.posts t0 WHERE t0.deleted_at IS NULL AND t0.author_id OPERATOR(pg_catalog.=) 3)} ],
);
our @write_shapes = (
	[ 'create', q{SELECT ignis.create('Post', '{"id": 3001, "authorId": 3, "title": "x"}', '{"log": {"use": true}}')} ],
	[ 'create_all', q{SELECT ignis.create_all('Post', '[{"id": 3001, "authorId": 3, "title": "x"}, {"id": 3002, "authorId": 4, "title": "y"}]', '{"log": {"use": true}}')} ],
	[ 'update_by_id', q{SELECT ignis.update_by_id('Post', 8, '{"views": 1}', '{"log": {"use": true}}')} ],
	[ 'update_all', q{SELECT ignis.update_all('Post', '{"views": 1}', '{"status": "draft"}', '{"log": {"use": true}}')} ],
	[ 'delete_by_id (soft)', q{SELECT ignis.delete_by_id('Post', 9, '{"log": {"use": true}}')} ],
	[ 'delete_all (hard)', q{SELECT ignis.delete_all('Post', '{"views": {"lt": 10}}', '{"shouldHardDelete": true, "log": {"use": true}}')} ],
	[ 'restore_all', q{SELECT ignis.restore_all('Post', '{"authorId": 3}', '{"log": {"use": true}}')} ],
);

# explain_shapes($node, $db, $file, \@read_shapes, \@extra_sql): EXPLAIN
# (VERBOSE) of each read shape ([name, model, filter, options]), of
# @count_shapes and @extra_sql ([name, sql]: EXPLAIN added unless present)
# and of @write_shapes, written to $file; returns name => plan (or
# "ERROR: ..." when the engine refuses the statement).
sub explain_shapes
{
	my ($node, $db, $file, $read_shapes, $extra_sql) = @_;
	my (%plan, @names);
	foreach my $s (@$read_shapes)
	{
		my ($name, $model, $filter, $options) = @$s;
		$options //= '{}';
		my ($ret, $out, $err) = $node->psql($db, qq{
SELECT public.explain_sql(q->>'sql', q->'params')
  FROM ignis.build_query('$model', '$filter', '$options') q;
});
		$plan{"$name: $model $filter"} = $plan{$name} = $ret == 0 ? $out : "ERROR: $err";
		push @names, "$name: $model $filter";
	}
	foreach my $c (@count_shapes, @{ $extra_sql // [] })
	{
		my ($name, $sql) = @$c;
		$sql = "EXPLAIN (VERBOSE, COSTS OFF) $sql" unless $sql =~ /EXPLAIN/;
		$plan{$name} = $node->safe_psql($db, $sql);
		push @names, $name;
	}
	foreach my $w (@write_shapes)
	{
		my ($name, $call) = @$w;
		$plan{$name} = explain_write($node, $db, $call);
		push @names, $name;
	}
	open(my $fh, '>', $file) or die "$file: $!";
	print $fh "### $_\n$plan{$_}\n\n" foreach @names;
	close $fh;
	note "plans written to $file";
	return %plan;
}

# EXPLAIN (VERBOSE) of the statement build_query gives for a find.
sub explain_read
{
	my ($node, $db, $model, $filter, $options) = @_;
	$options //= '{}';
	return $node->safe_psql(
		$db, qq{
SELECT public.explain_sql(q->>'sql', q->'params')
  FROM ignis.build_query('$model', '$filter', '$options') q;
});
}

# EXPLAIN (VERBOSE) of the statement a write runs, taken from options.log
# (the write itself is rolled back).
sub explain_write
{
	my ($node, $db, $call) = @_;
	my ($ret, $out, $err) =
	  $node->psql($db, "BEGIN;\n$call;\nROLLBACK;\n", on_error_stop => 1);
	my ($sql, $params) =
	  $err =~ /INFO:\s+ignis: \S+ on model "\w+": (.*); params: (.*)$/s;
	return "no statement logged: $err" unless defined $sql;
	$params =~ s/\n.*//s;
	$sql =~ s/'/''/g;
	$params =~ s/'/''/g;
	return $node->safe_psql($db,
		"SELECT public.explain_sql('$sql', '$params'::jsonb)");
}

# The lines of a plan that say what a remote server runs (postgres_fdw's
# "Remote SQL", Citus' task queries), and the coordinator's node names.
sub remote_lines
{
	my ($plan) = @_;
	return join("\n", grep { /Remote SQL|Query:|Node:|Custom Scan|Foreign Scan|Append|Aggregate|Limit|Sort/ } split /\n/, $plan);
}

1;
