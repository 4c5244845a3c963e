# What the release tests (003_upgrade.pl, 004_dump_restore.pl) compare
# between two databases: the extension's objects, its catalog rows, and the
# results of the same ignis calls over the sample data (docs/sample.sql).
package IgnisRelease;

use strict;
use warnings;

use Exporter 'import';
use FindBin;
use PostgreSQL::Test::Utils;

use File::Temp qw(tempdir);
use Test::More;

our @EXPORT = qw(sample_sql sample_parts extension_objects catalog_rows call_results same_text);

# same_text(got, expected, name): a test that the two texts are equal; on a
# difference, the unified diff (expected -> got) instead of both texts whole
sub same_text
{
	my ($got, $expected, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	return pass($name) if $got eq $expected;
	my $dir = tempdir(CLEANUP => 1);
	open my $e, '>', "$dir/expected" or die $!;
	print $e "$expected\n";
	close $e;
	open my $g, '>', "$dir/got" or die $!;
	print $g "$got\n";
	close $g;
	my $diff = `diff -u "$dir/expected" "$dir/got"`;
	fail($name);
	diag($diff);
	return 0;
}

# docs/sample.sql, the fixture of the behaviour spec (tables, data, CREATE
# EXTENSION, models and relations); with a version, the extension is created
# at that version.
sub sample_sql
{
	my ($version) = @_;
	my $sql = slurp_file("$FindBin::RealBin/../../docs/sample.sql");
	if (defined $version)
	{
		$sql =~ s/^CREATE EXTENSION ignis;$/CREATE EXTENSION ignis VERSION '$version';/m
		  or die "docs/sample.sql has no CREATE EXTENSION ignis line";
	}
	return $sql;
}

# docs/sample.sql in two parts: the tables and data, and the registration
# of the models and relations (after its CREATE EXTENSION line)
sub sample_parts
{
	my $sql = slurp_file("$FindBin::RealBin/../../docs/sample.sql");
	my ($tables, $register) = split /^CREATE EXTENSION ignis;\n/m, $sql, 2;
	die "docs/sample.sql has no CREATE EXTENSION ignis line" unless defined $register;
	return ($tables, $register);
}

# Every object of the extension with what defines it: functions through
# pg_get_functiondef (arguments, defaults, result, language, volatility,
# strictness, parallel safety, security, settings, symbol) and their ACL;
# tables with their columns in order, defaults, constraints, indexes,
# triggers, options and ACL; types; the schema's ACL; and the extension row
# itself (version, configuration tables for pg_dump and their conditions).
my $objects_sql = q{
WITH member AS (
  SELECT d.classid, d.objid, d.objsubid
  FROM pg_catalog.pg_depend d
  WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
    AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'ignis')
    AND d.deptype = 'e'
)
SELECT pg_catalog.pg_describe_object(m.classid, m.objid, m.objsubid) || E'\n  ' ||
  coalesce(CASE m.classid
    WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN
      (SELECT concat_ws(E'\n  ', pg_catalog.pg_get_functiondef(p.oid),
                        'acl ' || p.proacl::text,
                        'comment ' || pg_catalog.obj_description(p.oid, 'pg_proc'))
       FROM pg_catalog.pg_proc p WHERE p.oid = m.objid)
    WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN
      (SELECT concat_ws(E'\n  ', 'kind ' || c.relkind::text || ' persistence ' || c.relpersistence::text,
                        'acl ' || c.relacl::text,
                        'options ' || c.reloptions::text,
                        'comment ' || pg_catalog.obj_description(c.oid, 'pg_class'),
         (SELECT string_agg(format('column %s %s%s%s', a.attname,
                                   pg_catalog.format_type(a.atttypid, a.atttypmod),
                                   CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                                   ' default ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)),
                            E'\n  ' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
          LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
         (SELECT string_agg('constraint ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid),
                            E'\n  ' ORDER BY co.conname)
          FROM pg_catalog.pg_constraint co WHERE co.conrelid = c.oid),
         (SELECT string_agg('index ' || pg_catalog.pg_get_indexdef(i.indexrelid), E'\n  ' ORDER BY 1)
          FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid),
         (SELECT string_agg('trigger ' || pg_catalog.pg_get_triggerdef(t.oid), E'\n  ' ORDER BY 1)
          FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal))
       FROM pg_catalog.pg_class c WHERE c.oid = m.objid)
    WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN
      (SELECT concat_ws(E'\n  ', 'type ' || t.typtype::text, 'acl ' || t.typacl::text,
         (SELECT 'labels ' || string_agg(e.enumlabel::text, ', ' ORDER BY e.enumsortorder)
          FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
       FROM pg_catalog.pg_type t WHERE t.oid = m.objid)
    WHEN 'pg_catalog.pg_namespace'::pg_catalog.regclass THEN
      (SELECT 'acl ' || n.nspacl::text FROM pg_catalog.pg_namespace n WHERE n.oid = m.objid)
  END, '')
FROM member m
UNION ALL
SELECT format('extension %s version %s relocatable %s schema %s config %s conditions %s',
              e.extname, e.extversion, e.extrelocatable, e.extnamespace::regnamespace,
              e.extconfig::regclass[]::text, e.extcondition::text)
FROM pg_catalog.pg_extension e WHERE e.extname = 'ignis'
UNION ALL
SELECT 'schema ignis acl ' || coalesce(n.nspacl::text, '')
FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ignis'
ORDER BY 1;
};

sub extension_objects
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, $objects_sql);
}

# The rows of the extension's catalog tables (the registered models and
# relations with their settings); created_at only where asked (a fresh
# install registers at another time than an upgraded one).
sub catalog_rows
{
	my ($node, $db, $with_time) = @_;
	my $time = $with_time ? ", created_at" : "";
	return $node->safe_psql(
		$db, qq{
SELECT format('model %s %s %s', name, relid, settings) $time FROM ignis.models ORDER BY name;
SELECT format('relation %s.%s %s %s %s %s', model, name, type, target, fields, refs)
FROM ignis.relations ORDER BY model, name;
});
}

# The same ignis calls, each one's result on its own line: every read
# function, include and range, describe_model of every model, and writes
# (create, update, soft delete, restore) inside a transaction rolled back.
my @calls = (
	q{SELECT ignis.find('User', '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "displayName", "age"], "order": "createdAt DESC"}')},
	q{SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}', '{"shouldQueryRange": true}')},
	q{SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gt": 2}, "tags": {"overlaps": ["news", "tech"]}}, "fields": ["id", "title"]}')},
	q{SELECT ignis.find_by_id('Post', 1, '{"fields": ["id", "title"], "include": ["author", {"relation": "postTags", "scope": {"fields": ["tagId"], "include": ["tag"]}}]}')},
	q{SELECT ignis.find('Category', '{"include": [{"relation": "posts", "scope": {"fields": ["id", "title"], "order": "id"}}], "order": "id"}')},
	q{SELECT ignis.find('User', '{"include": ["profile", {"relation": "posts", "scope": {"fields": ["id"], "order": "id"}}], "order": "id"}')},
	q{SELECT ignis.find_one('User', '{"where": {"email": {"endsWith": ".fr"}}, "order": "id"}')},
	q{SELECT ignis.count('Post')::text || ' ' || ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}')::text},
	q{SELECT ignis.exists_with('User', '{"email": {"endsWith": ".fr"}}')},
	q{SELECT ignis.build_query('User', '{"where": {"role": "member"}, "fields": ["id", "email"]}')},
	q{SELECT string_agg(ignis.describe_model(name)::text, ' ' ORDER BY name) FROM ignis.models},
	q{SELECT ignis.create('Post', '{"authorId": 2, "title": "Written through ignis", "tags": ["demo"]}') - 'data'},
	q{SELECT ignis.update_by_id('Post', 1, '{"metadata.seo.title": "Hello!"}') -> 'data' -> 'metadata'},
	q{SELECT ignis.delete_by_id('Post', 2, '{"shouldReturn": false}')},
	q{SELECT ignis.find('Post', '{"fields": ["id"], "order": "id"}')},
	q{SELECT ignis.restore_by_id('Post', 2, '{"shouldReturn": false}')},
	q{SELECT ignis.find('Post', '{"fields": ["id"], "order": "id"}')},
);

sub call_results
{
	my ($node, $db) = @_;
	# ignis' own default limit, whatever the database sets
	my $script = "SET TimeZone = 'UTC';\nSET ignis.default_limit = 10;\nBEGIN;\n"
	  . join('', map { "$_;\n" } @calls) . "ROLLBACK;\n";
	return $node->safe_psql($db, $script);
}

1;
