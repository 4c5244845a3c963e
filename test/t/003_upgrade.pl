# Upgrades: every earlier release's install script that the repository keeps
# (sql/ignis--<version>.sql) is installed, the sample models and relations
# are registered (docs/sample.sql), and ALTER EXTENSION ignis UPDATE brings it
# to ignis.control's default_version. Then
#
#   * the extension's objects (functions with their definitions, volatility,
#     parallel safety, security and ACLs; tables with columns, constraints,
#     indexes, triggers and ACLs; the schema; the configuration tables
#     pg_dump keeps) are exactly those of a fresh install of that version:
#     the install script and the upgrade scripts are in step;
#   * the registered models and relations are kept unchanged;
#   * the newest library, installed before the update, already serves the
#     old version's catalog (docs/decisions.md 37);
#   * the same ignis calls return the same results as on a fresh install.
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

my $root = "$FindBin::RealBin/../..";
my ($default) = slurp_file("$root/ignis.control") =~ /^default_version\s*=\s*'([^']+)'/m
  or die "no default_version in ignis.control";

# versions as lists of numbers, for ordering
sub vkey { return join '.', map { sprintf '%05d', $_ } split /\./, $_[0]; }
my @older = sort { vkey($a) cmp vkey($b) }
  grep { vkey($_) lt vkey($default) }
  map { m{/ignis--([0-9.]+)\.sql$} ? $1 : () } glob("$root/sql/ignis--*.sql");
ok(scalar(@older) >= 1, "earlier releases kept: @older (default $default)");

remove_stale_node_dirs('upgrade');
my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', "TimeZone = 'UTC'\nlog_min_messages = warning\n");
$node->start;

# a fresh install of the default version
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', sample_sql());
is($node->safe_psql('fresh', "SELECT extversion FROM pg_extension WHERE extname = 'ignis'"),
	$default, "a fresh install is at $default");
my $fresh_objects = extension_objects($node, 'fresh');
my $fresh_rows    = catalog_rows($node, 'fresh');
my $fresh_results = call_results($node, 'fresh');
like($fresh_objects, qr/function ignis\.find\(/, 'the object list names the functions');

foreach my $old (@older)
{
	(my $db = "from_$old") =~ s/\./_/g;
	my ($tables, $register) = sample_parts();
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "$tables\nCREATE EXTENSION ignis VERSION '$old';");
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'ignis'"),
		$old, "$old installed");

	# The installed library is always the newest one: until ALTER EXTENSION
	# UPDATE runs, it serves the catalog of the old version. (Should it
	# fail, the models are registered after the update instead, so that the
	# comparisons below still run.)
	my ($stdout, $stderr) = ('', '');
	my $rc = $node->psql($db, "BEGIN;\n$register\nCOMMIT;",
		stdout => \$stdout, stderr => \$stderr, on_error_stop => 1);
	ok($rc == 0, "$old: the current library registers the sample models before ALTER EXTENSION UPDATE")
	  or diag($stderr);
	my $registered_before = $rc == 0;

	is( $node->safe_psql(
			$db,
			"SELECT path FROM pg_extension_update_paths('ignis') WHERE source = '$old' AND target = '$default'"
		),
		"$old--$default",
		"$old updates to $default in one step");

	my $rows_before = $registered_before ? catalog_rows($node, $db, 1) : undef;

	if ($registered_before)
	{
		# the update runs in a session whose caches are warm: the first
		# call after it sees the same models
		my $session = $node->safe_psql(
			$db, qq{
SELECT ignis.count('User');
ALTER EXTENSION ignis UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'ignis';
SELECT ignis.count('User');
});
		my @lines = split /\n/, $session;
		is($lines[1], $default, "ALTER EXTENSION ignis UPDATE from $old reaches $default");
		is($lines[2], $lines[0], "the session that updated gets the same count before and after");
		same_text(catalog_rows($node, $db, 1), $rows_before,
			"$old -> $default: registered models and relations kept, settings and times included");
	}
	else
	{
		$node->safe_psql($db, 'ALTER EXTENSION ignis UPDATE');
		is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'ignis'"),
			$default, "ALTER EXTENSION ignis UPDATE from $old reaches $default");
		$node->safe_psql($db, $register);
	}
	same_text(catalog_rows($node, $db), $fresh_rows,
		"$old -> $default: the catalog rows are those of a fresh $default install");
	my $objects = extension_objects($node, $db);
	same_text($objects, $fresh_objects,
		"$old -> $default: the extension's objects equal those of a fresh install");
	same_text(call_results($node, $db), $fresh_results,
		"$old -> $default: the same calls return the same results as on a fresh install");
}

$node->stop;
done_testing();
