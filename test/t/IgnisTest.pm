# Helpers shared by the TAP tests of test/t.
package IgnisTest;

use strict;
use warnings;

use Exporter 'import';
use File::Basename qw(basename);
use File::Path qw(rmtree);
use PostgreSQL::Test::Utils;

our @EXPORT = qw(remove_stale_node_dirs $server_lifetime);

# A crash restart keeps pg_postmaster_start_time() but starts a new checkpointer.
our $server_lifetime =
  q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'};

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
