# Runs test/fuzz_filters.py against a fresh cluster with the extension and
# docs/sample.sql loaded, and reports one test per invariant the fuzzer checks
# (crash, internal, message, sqlstate, parity, consistency, warnings,
# relation), plus the server log check.
#
# Environment: FUZZ_ITERATIONS (default 4000), FUZZ_SEED (default 1).
# The complete SQL of every failing call goes to tmp_check/fuzz_repro.sql.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IgnisTest;

my $iterations = $ENV{FUZZ_ITERATIONS} || 4000;
fuzz_test(
	name       => 'fuzz',
	script     => 'fuzz_filters.py',
	count      => $iterations,
	invariants => [qw(crash internal message sqlstate parity consistency warnings relation)],
	what       => "fuzzer: fixed corpus + $iterations random cases and relation checks");
