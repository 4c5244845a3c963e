# Runs test/fuzz_writes.py against a fresh cluster with the extension and
# docs/sample.sql loaded: random create / create_all / update_by_id /
# update_all / delete_by_id / delete_all / restore_by_id / restore_all calls,
# each next to the plain SQL that does the same in a rolled-back
# subtransaction.  One test per invariant the fuzzer checks, plus the server
# checks.
#
# Environment: WRITE_FUZZ_CALLS (default 2000), FUZZ_SEED (default 1).
# The complete SQL of every failing call goes to tmp_check/write_fuzz_repro.sql.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IgnisTest;

my $calls = $ENV{WRITE_FUZZ_CALLS} || 2000;
fuzz_test(
	name       => 'write_fuzz',
	script     => 'fuzz_writes.py',
	count      => $calls,
	invariants => [qw(crash internal message sqlstate parity unchanged effect warnings fixture)],
	what       => "write fuzzer: $calls calls");
