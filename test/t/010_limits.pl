# Time and memory of ignis calls with caller-controlled sizes of about 1 MB
# (and the shapes that used to be quadratic), one fresh session per call:
#
#   * each call ends with its expected outcome (a result, or the SQLSTATE of
#     its limit) and the server survives;
#   * each call takes less than 5 s of wall time (most take well under 1 s;
#     the bound is generous because test machines are noisy);
#   * the backend's peak resident memory (VmHWM of /proc/<pid>/status) grows
#     by less than 256 MB during the call.
#
# The input of each call is built before the clock starts.  The figures are
# printed as diagnostics (prove -v).  sql/limits.sql shows the same positions
# as documentation.
use strict;
use warnings;

use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use lib $FindBin::RealBin;
use IgnisTest;

my $sample_file = "$FindBin::RealBin/../../docs/sample.sql";
my $db          = 'ignis_limits';
my $max_ms      = 5000;
my $max_kb      = 256 * 1024;

plan skip_all => 'needs /proc/<pid>/status' unless -r "/proc/$$/status";

remove_stale_node_dirs('limits');
my $node = PostgreSQL::Test::Cluster->new('limits');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', qq{
TimeZone = 'UTC'
log_min_messages = warning
log_min_error_statement = panic
});
$node->start;
$node->safe_psql('postgres', "CREATE DATABASE $db");
$node->safe_psql($db, slurp_file($sample_file));

# name, input expression (built before timing), call using $1, expected outcome
my @cases = (
	[ 'where JSON path, 500,000 components',
	  q{jsonb_build_object('where', jsonb_build_object('metadata' || repeat('.a', 500000), 1))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'jsonPath form, 500,000 components',
	  q{jsonb_build_object('where', jsonb_build_object('metadata', jsonb_build_object('jsonPath', '$' || repeat('.a', 500000), 'eq', 1)))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'order JSON path, 500,000 components',
	  q{jsonb_build_object('order', 'metadata' || repeat('.a', 500000))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'update JSON path, 500,000 components',
	  q{jsonb_build_object('metadata' || repeat('.a', 500000), 1)},
	  q{SELECT ignis.update_by_id('Post', '1', $1)}, '54000' ],
	[ 'update JSON path at the limit (1,000)',
	  q{jsonb_build_object('metadata' || repeat('.a', 1000), 1)},
	  q{SELECT ignis.update_by_id('Post', '1', $1)}, 'ok' ],
	[ 'ignis._set_path called directly, 1,000 components',
	  q{to_jsonb(array_fill('a'::text, ARRAY[1000]))},
	  q{SELECT ignis._set_path('{}', ARRAY(SELECT jsonb_array_elements_text($1)), '1', 'doc')}, 'ok' ],
	[ 'where, 60,000 JSON-path keys',
	  q{jsonb_build_object('where', (SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 60000) i))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'where at the limit, 999 text-mode JSON-path keys',
	  q{jsonb_build_object('where', (SELECT jsonb_object_agg('metadata.k' || i, 'x' || i) FROM generate_series(1, 999) i))},
	  q{SELECT ignis.find('Post', $1)}, 'ok' ],
	[ 'or list of 100,000 conditions',
	  q{jsonb_build_object('or', (SELECT jsonb_agg(jsonb_build_object('id', i)) FROM generate_series(1, 100000) i))},
	  q{SELECT ignis.count('Post', $1)}, '54000' ],
	[ 'or list of 300,000 empty objects',
	  q{jsonb_build_object('or', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 300000)))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ '900 nested and around an or of 50,000',
	  q{(SELECT repeat('{"and": [', 900) || '{"or": [' || (SELECT string_agg('{"id": ' || i || '}', ',') FROM generate_series(1, 50000) i) || ']}' || repeat(']}', 900))::jsonb},
	  q{SELECT ignis.count('Post', $1)}, '54000' ],
	[ 'where, 100,000 unknown keys',
	  q{jsonb_build_object('where', (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i))},
	  q{SELECT ignis.find('Post', $1)}, '42703' ],
	[ 'filter, 100,000 keys',
	  q{(SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i)},
	  q{SELECT ignis.find('Post', $1)}, '22023' ],
	[ 'find_by_id filter, 100,000 keys',
	  q{(SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i)},
	  q{SELECT ignis.find_by_id('Post', '1', $1)}, '22023' ],
	[ 'options, 100,000 keys',
	  q{(SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i)},
	  q{SELECT ignis.find('Post', '{}', $1)}, '22023' ],
	[ 'order string of 330,000 items',
	  q{jsonb_build_object('order', rtrim(repeat('id,', 330000), ','))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'order array of 110,000 items',
	  q{jsonb_build_object('order', (SELECT jsonb_agg('views'::text) FROM generate_series(1, 110000)))},
	  q{SELECT ignis.find('Post', $1)}, '54000' ],
	[ 'fields array of 110,000 names',
	  q{jsonb_build_object('fields', (SELECT jsonb_agg('views'::text) FROM generate_series(1, 110000)))},
	  q{SELECT ignis.find('Post', $1)}, 'ok' ],
	[ 'include array of 110,000 items',
	  q{jsonb_build_object('include', (SELECT jsonb_agg('author'::text) FROM generate_series(1, 110000)))},
	  q{SELECT ignis.find('Post', $1)}, '22023' ],
	[ 'in list of 150,000 integers',
	  q{jsonb_build_object('id', jsonb_build_object('in', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i)))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ 'numeric in list of 150,000 on a JSON path',
	  q{jsonb_build_object('metadata.priority', jsonb_build_object('gte', 0, 'in', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i)))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ 'contains list of 120,000 on an array column',
	  q{jsonb_build_object('tags', jsonb_build_object('contains', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 120000) i)))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ 'overlaps list of 150,000 on a JSON path',
	  q{jsonb_build_object('metadata.ratings', jsonb_build_object('overlaps', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i)))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ 'array equality with 120,000 elements',
	  q{jsonb_build_object('tags', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 120000) i))},
	  q{SELECT ignis.count('Post', $1)}, 'ok' ],
	[ 'update, 60,000 JSON-path keys',
	  q{(SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 60000) i)},
	  q{SELECT ignis.update_by_id('Post', '1', $1)}, '54000' ],
	[ 'update at the limit, 100 JSON-path keys',
	  q{(SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 100) i)},
	  q{SELECT ignis.update_by_id('Post', '1', $1)}, 'ok' ],
	[ 'create_all, 20,000 rows of one key set',
	  q{(SELECT jsonb_agg(jsonb_build_object('title', 't' || i)) FROM generate_series(1, 20000) i)},
	  q{SELECT ignis.create_all('Post', $1, '{"shouldReturn": false}')}, 'ok' ],
	[ 'create_all, 20,000 rows of two key sets',
	  q{(SELECT jsonb_agg(CASE WHEN i % 2 = 0 THEN jsonb_build_object('title', 't' || i) ELSE jsonb_build_object('title', 't' || i, 'views', i) END) FROM generate_series(1, 20000) i)},
	  q{SELECT ignis.create_all('Post', $1, '{"shouldReturn": false}')}, 'ok' ],
);

my $measure = q{
CREATE FUNCTION pg_temp.hwm() RETURNS bigint LANGUAGE sql AS $f$
  SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+) kB'))[1]::bigint $f$;
CREATE FUNCTION pg_temp.measure(q text, arg jsonb) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; h0 bigint := pg_temp.hwm(); st text := 'ok';
BEGIN
  t0 := clock_timestamp();
  BEGIN EXECUTE q USING arg; EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
  RETURN st || '|' || round(extract(epoch FROM clock_timestamp() - t0) * 1000) || '|'
      || (pg_temp.hwm() - h0) || '|' || length(arg::text);
END $f$;
};

foreach my $case (@cases)
{
	my ($name, $input, $call, $expected) = @$case;
	my ($ret, $out, $err) = $node->psql($db, $measure . qq{
SET statement_timeout = '60s';
BEGIN;
SELECT pg_temp.measure(\$q\$$call\$q\$, $input);
ROLLBACK;
});
	my ($state, $ms, $kb, $bytes) = split /\|/, ($out // '');
	$state //= "psql failed: $err";
	is($state, $expected, "$name: $expected");
	ok(defined $ms && $ms < $max_ms, "$name: under $max_ms ms")
	  or diag("took " . ($ms // '?') . " ms");
	ok(defined $kb && $kb < $max_kb, "$name: peak memory grows under $max_kb kB")
	  or diag("grew by " . ($kb // '?') . " kB");
	diag(sprintf("%-50s %6s  %5d ms  %7d kB  input %8d bytes",
		$name, $state, $ms // -1, $kb // -1, $bytes // -1));
}

# the server never restarted
is($node->safe_psql($db, 'SELECT 1'), '1', 'server alive');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|server process .* was terminated/, 'no backend crashed');

$node->stop;
done_testing();
