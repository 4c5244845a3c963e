# Dump and restore: a database with the sample models and relations
# registered (docs/sample.sql), a model registered with every kind of
# setting, and per-database ignis settings, goes through
# pg_dump -Fc | pg_restore
#
#   * into a new database of the same server: the extension's catalog rows
#     come back (ignis.models and ignis.relations are configuration tables
#     that pg_dump keeps), with their settings and registration times, and
#     the same ignis calls return the same results;
#   * with --create into another server: the database's ignis.* settings
#     come back too, and apply to the calls.
#
# Run by scripts/test.sh like every TAP test.
use strict;
use warnings;

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib $FindBin::RealBin;
use IgnisTest;
use IgnisRelease;

remove_stale_node_dirs('dump', 'other');
my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', "TimeZone = 'UTC'\nlog_min_messages = warning\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE orig');
$node->safe_psql('orig', sample_sql());
# one more model with every kind of setting, and database-level settings
$node->safe_psql(
	'orig', q{
CREATE TABLE public.notes (
  note_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES public.users (id),
  note_text  text NOT NULL,
  secret     text,
  removed_at timestamptz
);
INSERT INTO public.notes (user_id, note_text, secret) VALUES (1, 'first', 's1'), (2, 'second', 's2');
UPDATE public.notes SET removed_at = '2024-01-01' WHERE note_id = 2;
SELECT ignis.register_model('Note', 'public.notes',
  '{"naming": "camelCase", "hiddenProperties": ["secret"], "softDelete": {"property": "removedAt"},
    "defaultFilter": {"order": "noteId DESC"}}');
SELECT ignis.register_relation('Note', 'user', 'one', 'User', '{"fields": ["userId"], "references": ["id"]}');
ALTER DATABASE orig SET ignis.default_limit = 1;
});

my $rows = catalog_rows($node, 'orig', 1);
like($rows, qr/model Note (public\.)?notes .*"hiddenProperties": \["secret"\]/, 'the extra model is registered with its settings');

my $tmp  = PostgreSQL::Test::Utils::tempdir;
my $dump = "$tmp/orig.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', 'orig' ], 'pg_dump -Fc');

my @extra_calls = (
	q{SELECT ignis.find('Note', '{"include": ["user"]}')},
	q{SELECT ignis.find('Note', '{}', '{"shouldSkipDefaultFilter": true}')},
	q{SELECT ignis.describe_model('Note')},
	q{SELECT ignis.find('User', '{"fields": ["id"]}')},    # ignis.default_limit applies
);
my $extra = join '', map { "$_;\n" } @extra_calls;
my $orig_results = call_results($node, 'orig');
my $orig_extra   = $node->safe_psql('orig', $extra);
my $orig_objects = extension_objects($node, 'orig');
like($orig_extra, qr/^\[\{"id": \d+\}\]$/m, 'the database setting ignis.default_limit = 1 applies');

# into a new database of the same server
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', 'restored', $dump ],
	'pg_restore into a new database');
same_text(catalog_rows($node, 'restored', 1), $rows,
	'models and relations come back with their settings and registration times');
same_text(extension_objects($node, 'restored'), $orig_objects, 'the extension comes back the same');
same_text(call_results($node, 'restored'), $orig_results, 'the same calls return the same results');
$node->safe_psql('restored', 'ALTER DATABASE restored SET ignis.default_limit = 1');
same_text($node->safe_psql('restored', $extra), $orig_extra,
	'the extra model: include, default filter, hidden and soft-delete settings hold');

# a catalog change after the restore reaches the model cache as before
my ($stdout, $stderr) = ('', '');
$node->psql(
	'restored', q{
SELECT ignis.unregister_relation('Note', 'user');
SELECT ignis.find('Note', '{"include": ["user"]}');
},
	stdout => \$stdout,
	stderr => \$stderr);
like($stderr, qr/ignis: .*user/, 'a relation removed after the restore is gone for the next call');

# with --create into another server: the database's settings come back too
my $other = PostgreSQL::Test::Cluster->new('other');
$other->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$other->append_conf('postgresql.conf', "TimeZone = 'UTC'\nlog_min_messages = warning\n");
$other->start;
$other->command_ok([ 'pg_restore', '--exit-on-error', '--create', '-d', 'postgres', $dump ],
	'pg_restore --create into another server');
same_text(catalog_rows($other, 'orig', 1), $rows, 'another server: models and relations come back');
same_text(call_results($other, 'orig'), $orig_results, 'another server: the same calls return the same results');
same_text($other->safe_psql('orig', $extra), $orig_extra,
	'another server: the database setting ignis.default_limit comes back and applies');

$other->stop;
$node->stop;
done_testing();
