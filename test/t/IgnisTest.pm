# Helpers shared by the TAP tests of test/t.
package IgnisTest;

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(basename);
use File::Path qw(rmtree);
use PostgreSQL::Test::Utils;

our @EXPORT = qw(remove_stale_node_dirs $server_lifetime $try_function);

# A crash restart keeps pg_postmaster_start_time() but starts a new checkpointer.
our $server_lifetime =
  q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'};

# try(sql): run one statement returning one value; on error return
# "ERROR <sqlstate>: <message>" instead of failing (usable on a standby too).
our $try_function = q{
CREATE FUNCTION public.try(q text) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  r   text;
  st  text;
  msg text;
BEGIN
  EXECUTE q INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN 'ERROR ' || st || ': ' || msg;
END
$fn$;
};

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

1;
