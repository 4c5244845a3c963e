#!/usr/bin/env bash
# Run the whole test suite of the ignis extension.
#
#   bash scripts/test.sh
#
# 1. installs what is missing (Debian 12: PostgreSQL 15 server, server headers,
#    contrib, IPC::Run for TAP tests, a C toolchain),
# 2. builds the extension (warnings are errors) and installs it,
# 3. creates a throwaway PostgreSQL 15 cluster with pg_virtualenv and runs every
#    test step against it,
# 4. prints the failures' diffs and, as its last line, "N passed, N failed".
#
# Exit status: 0 when nothing failed, 1 otherwise.
#
# Test steps run inside the cluster (see run_steps below); each step adds its
# own pass/fail counts to the common total:
#   regress    pg_regress suites (REGRESS in the Makefile, sql/ + expected/)
#   isolation  isolation specs in specs/*.spec (expected/<spec>.out), if any
#   tap        TAP tests test/*.pl and test/t/*.pl (run with prove), if any
#   bench      a smoke run of bench/run.sh --smoke (seconds; checks every op's
#              ignis result against its hand-written SQL)
#   vs-ignis   a smoke run of bench/run.sh --vs-ignis --smoke (Node 20; checks
#              ignis' results equal to Ignis 0.0.7's on Node)
set -uo pipefail

PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PGBIN/pg_config
export PG_CONFIG

# The suites need a UTF-8 database (REGRESS_OPTS asks pg_regress for one);
# give the throwaway cluster a UTF-8 locale too when the environment has none.
if [ -z "${LC_ALL:-}${LANG:-}" ]; then
    export LANG=C.UTF-8
fi

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)

log() { printf '\n=== %s\n' "$*"; }

# ---------------------------------------------------------------------------
# Result bookkeeping: each step records "<passed> <failed> <step>" lines in
# $RESULTS; the outer run sums them.
# ---------------------------------------------------------------------------
record() {  # record <step> <passed> <failed>
    printf '%s %s %s\n' "$2" "$3" "$1" >>"$RESULTS"
    printf -- '--- %s: %s passed, %s failed\n' "$1" "$2" "$3"
}

# Count pg_regress / pg_isolation_regress results in an output file. Handles
# the PostgreSQL 15 format ("test name ... ok  12 ms", "     name ... FAILED")
# and the TAP-like format of PostgreSQL 16+ ("ok 1 - name", "not ok 2 - name").
count_regress() {  # count_regress <file>  -> prints "<passed> <failed>"
    local p f
    p=$(grep -cE '^[[:space:]]*(test[[:space:]]+)?[^[:space:]]+[[:space:]]+\.\.\.[[:space:]]+(ok|failed \(ignored\))([[:space:]]|$)|^ok[[:space:]]+[0-9]+[[:space:]]' "$1")
    f=$(grep -cE '^[[:space:]]*(test[[:space:]]+)?[^[:space:]]+[[:space:]]+\.\.\.[[:space:]]+FAILED|^not ok[[:space:]]+[0-9]+[[:space:]]' "$1")
    echo "$p $f"
}

show_diffs() {  # show_diffs <file>
    if [ -s "$1" ]; then
        log "differences ($1)"
        head -n 3000 "$1"
    fi
}

# ---------------------------------------------------------------------------
# Steps run inside the throwaway cluster (PGHOST/PGPORT/PGUSER set by
# pg_virtualenv).
# ---------------------------------------------------------------------------
step_regress() {
    log "pg_regress suites"
    local out=$ROOT/log/regress.out rc p f
    rm -f regression.diffs regression.out
    # isolation specs run in their own step below
    make --no-print-directory installcheck ISOLATION= 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    read -r p f < <(count_regress "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # pg_regress could not run at all
    fi
    [ "$f" -gt 0 ] && show_diffs regression.diffs
    record regress "$p" "$f"
}

step_isolation() {
    local specs=() s
    for s in specs/*.spec; do [ -e "$s" ] && specs+=("$(basename "$s" .spec)"); done
    [ ${#specs[@]} -eq 0 ] && return 0
    log "isolation specs"
    local pgxs_dir tool out=$ROOT/log/isolation.out rc p f
    pgxs_dir=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
    tool=$pgxs_dir/src/test/isolation/pg_isolation_regress
    rm -rf output_iso
    "$tool" --inputdir=. --outputdir=output_iso --bindir="$PGBIN" \
        --dbname=isolation_regression "${specs[@]}" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    read -r p f < <(count_regress "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    [ "$f" -gt 0 ] && show_diffs output_iso/regression.diffs
    record isolation "$p" "$f"
}

step_tap() {
    local tests=() t
    for t in test/*.pl test/t/*.pl; do [ -e "$t" ] && tests+=("$t"); done
    [ ${#tests[@]} -eq 0 ] && return 0
    log "TAP tests"
    local pgxs_dir out=$ROOT/log/tap.out rc p f runas=()
    pgxs_dir=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
    # initdb refuses to run as root: run the TAP tests as the postgres user
    rm -rf "$ROOT/tmp_check"   # data directories a failed earlier run left behind
    if [ "$(id -u)" -eq 0 ]; then
        chmod -R a+rX "$ROOT"
        mkdir -p "$ROOT/tmp_check" && chown postgres "$ROOT/tmp_check"
        runas=(runuser -u postgres --)
    fi
    (cd "$ROOT" && "${runas[@]}" env PATH="$PGBIN:$PATH" PG_CONFIG="$PG_CONFIG" \
        PERL5LIB="$pgxs_dir/src/test/perl${PERL5LIB:+:$PERL5LIB}" \
        TESTDIR="$ROOT" PG_REGRESS="$pgxs_dir/src/test/regress/pg_regress" \
        prove -v "${tests[@]}") 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    p=$(grep -cE '^[[:space:]]*ok[[:space:]]+[0-9]+' "$out")
    f=$(grep -cE '^[[:space:]]*not ok[[:space:]]+[0-9]+' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record tap "$p" "$f"
}

step_bench() {
    [ -f bench/run.sh ] || return 0
    log "benchmark smoke run (bench/run.sh --smoke)"
    if BENCH_NO_BUILD=1 bash bench/run.sh --smoke 2>&1 | tee "$ROOT/log/bench.out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
        record bench 1 0
    else
        record bench 0 1
    fi
}

step_bench_vs_ignis() {
    [ -f bench/vs-ignis/run.sh ] || return 0
    log "ignis vs Ignis on Node, smoke run (bench/run.sh --vs-ignis --smoke)"
    if BENCH_NO_BUILD=1 bash bench/run.sh --vs-ignis --smoke 2>&1 | tee "$ROOT/log/bench-vs-ignis.out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
        record vs-ignis 1 0
    else
        record vs-ignis 0 1
    fi
}

# Every numbered case of the behaviour spec, each from a fresh copy of the
# fixture (test/spec_cases.py); runs when the spec is beside the clone.
step_spec() {
    local spec=${IGNIS_SPEC:-$ROOT/../shared/spec/cases.md}
    [ -f "$spec" ] || return 0
    log "behaviour spec cases ($spec)"
    local out=$ROOT/log/spec.out p f
    python3 "$ROOT/test/spec_cases.py" "$spec" 2>&1 | tee "$out"
    read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$out" | tail -n 1)
    record spec "${p:-0}" "${f:-1}"
}

run_steps() {
    step_regress
    step_spec
    step_isolation
    step_tap
    step_bench
    step_bench_vs_ignis
}

# Inner invocation: we are inside pg_virtualenv.
if [ "${1:-}" = "--in-cluster" ]; then
    RESULTS=$2
    run_steps
    exit 0
fi

# ---------------------------------------------------------------------------
# Outer invocation
# ---------------------------------------------------------------------------
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && SUDO=(sudo)
fi

ensure_packages() {
    local need=0
    [ -x "$PGBIN/postgres" ] || need=1
    [ -x "$PG_CONFIG" ] && [ -f "$("$PG_CONFIG" --pgxs 2>/dev/null)" ] || need=1
    command -v pg_virtualenv >/dev/null 2>&1 || need=1
    perl -MIPC::Run -e 1 >/dev/null 2>&1 || need=1
    command -v make >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 || need=1
    command -v python3 >/dev/null 2>&1 || need=1
    [ "$need" -eq 0 ] && return 0
    log "installing PostgreSQL $PG_MAJOR and build dependencies"
    "${SUDO[@]}" apt-get update &&
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y \
        "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" postgresql-contrib \
        libipc-run-perl make gcc python3
}

mkdir -p log
RESULTS=$ROOT/log/results.txt
: >"$RESULTS"

summary() {
    local p=0 f=0 a b _
    while read -r a b _; do p=$((p + a)); f=$((f + b)); done <"$RESULTS"
    echo
    echo "$p passed, $f failed"
    [ "$f" -eq 0 ]
}

if ! ensure_packages; then
    echo "could not install the required packages" >&2
    record setup 0 1
    summary; exit 1
fi

log "build"
if ! make -j2 --no-print-directory; then
    record build 0 1
    summary; exit 1
fi

log "install"
if ! "${SUDO[@]}" make --no-print-directory install; then
    record install 0 1
    summary; exit 1
fi

log "test cluster (pg_virtualenv -t -v $PG_MAJOR)"
if ! pg_virtualenv -t -v "$PG_MAJOR" bash "$ROOT/scripts/test.sh" --in-cluster "$RESULTS"; then
    record cluster 0 1
fi

summary
