#!/usr/bin/env bash
# Run the whole test suite of the ignis extension.
#
#   bash scripts/test.sh
#       installs what is missing (scripts/setup.sh), then runs the suite on
#       Debian's PostgreSQL 15 and, when ../shared/vendor has its source, on
#       PostgreSQL 18.3 built with assertions (built once, kept in a cache)
#   PG_CONFIG=/path/to/pg_config bash scripts/test.sh
#       the suite on that PostgreSQL only (a private copy, a source build…);
#       the extension is installed into that installation, nothing else
#
# For each PostgreSQL: builds the extension (warnings are errors), installs it,
# starts a throwaway cluster (initdb in a temporary directory, as user
# postgres when run as root, unix socket only, stopped and removed on exit)
# and runs every test step against it. Prints the failures' diffs and, as its
# last line, "N passed, N failed" summed over every step of every PostgreSQL.
#
# Exit status: 0 when nothing failed, 1 otherwise.
#
# Steps (each adds its own pass/fail counts to the common total):
#   once:      setup      scripts/setup.sh --dry-run against fake roots: what a
#                         machine with nothing, with only the server, and with
#                         everything is missing
#              static     scripts/static-analysis.sh: gcc -Wextra, cppcheck, scan-build
#              package    META.json against the PGXN Meta Spec 1.0.0, versions
#                         in step (ignis.control, META.json, install scripts,
#                         CHANGELOG.md), the archive of make dist
#   each PostgreSQL:
#              regress    pg_regress suites (REGRESS in the Makefile)
#              spec       every case of the behaviour spec (test/spec_cases.py)
#              isolation  isolation specs in specs/*.spec
#              tap        TAP tests test/t/*.pl (upgrades, dump and restore…)
#              symbols    ignis.so exports only what PostgreSQL looks up
#              bench      bench/run.sh --smoke (every op against its hand-written SQL)
#   first PostgreSQL only:
#              node       examples/node: the TypeScript example and its tests
#              vs-ignis   bench/run.sh --vs-ignis --smoke (Node 20: ignis' results
#                         equal to Ignis 0.0.7's on Node, a few calls timed)
#
# Environment:
#   PG_CONFIG        run on this PostgreSQL instead of Debian's 15 (and not on 18
#                    unless IGNIS_PG18=1)
#   IGNIS_PG18=0     skip the PostgreSQL 18 run; IGNIS_PG18=1: run it in any case
#                    (building it when needed; fails when it cannot)
#   IGNIS_NODE=0     skip the Node.js example (and the comparison with Ignis)
#   IGNIS_STATIC=0   skip the static analysis
set -uo pipefail

# The suites need a UTF-8 database (REGRESS_OPTS asks pg_regress for one);
# give the throwaway cluster a UTF-8 locale too when the environment has none.
if [ -z "${LC_ALL:-}${LANG:-}" ]; then
    export LANG=C.UTF-8
fi

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
SECONDS=0

STEP_T0=0
log() { printf '\n=== %s\n' "$*"; STEP_T0=$SECONDS; }

# ---------------------------------------------------------------------------
# Result bookkeeping: each step records "<passed> <failed> <step>" lines in
# $RESULTS; the summary adds them up.
# ---------------------------------------------------------------------------
mkdir -p log
RESULTS=$ROOT/log/results.txt
: >"$RESULTS"
LABEL=""      # "pg15: " etc. in front of the step names of a PostgreSQL section

record() {  # record <step> <passed> <failed>
    printf '%s %s %s%s\n' "$2" "$3" "$LABEL" "$1" >>"$RESULTS"
    printf -- '--- %s%s: %s passed, %s failed (%ss)\n' "$LABEL" "$1" "$2" "$3" $((SECONDS - STEP_T0))
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

# Count TAP lines ("ok N", "not ok N", indented or not) in an output file;
# a failing TODO test ("not ok N - name # TODO why") counts as passed, as
# prove counts it, and is listed.
count_tap() {  # count_tap <file>  -> prints "<passed> <failed>"
    local p f t
    p=$(grep -cE '^[[:space:]]*ok[[:space:]]+[0-9]+' "$1")
    f=$(grep -E '^[[:space:]]*not ok[[:space:]]+[0-9]+' "$1" | grep -cvE '#[[:space:]]*TODO')
    t=$(grep -E '^[[:space:]]*not ok[[:space:]]+[0-9]+.*#[[:space:]]*TODO' "$1" | sed 's/^[[:space:]]*/    /')
    [ -n "$t" ] && printf 'failing TODO tests (not counted as failures):\n%s\n' "$t" >&2
    echo "$((p + $(printf '%s' "$t" | grep -c .))) $f"
}

show_diffs() {  # show_diffs <file>
    if [ -s "$1" ]; then
        log "differences ($1)"
        head -n 3000 "$1"
    fi
}

summary() {
    local p=0 f=0 a b _
    while read -r a b _; do p=$((p + a)); f=$((f + b)); done <"$RESULTS"
    echo
    echo "--- total time ${SECONDS}s"
    echo "$p passed, $f failed"
    [ "$f" -eq 0 ]
}

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi

# ---------------------------------------------------------------------------
# Which PostgreSQL installations: the one PG_CONFIG names, or Debian's 15 and
# the assert-enabled 18 build.
# ---------------------------------------------------------------------------
TARGETS=("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}")
SETUP_ARGS=()
[ "${IGNIS_NODE:-1}" != 0 ] && SETUP_ARGS+=(--node)
PG18=0
# the PostgreSQL 18 source beside the clone (any one of the places is enough)
pg18_source_present() {
    local f
    for f in "$ROOT"/../shared/vendor/postgresql-18.*.tar.gz \
             "$ROOT"/../../shared/vendor/postgresql-18.*.tar.gz; do
        [ -f "$f" ] && return 0
    done
    return 1
}
case "${IGNIS_PG18:-auto}" in
    0) ;;
    1) PG18=1 ;;
    *) if [ -z "${PG_CONFIG:-}" ] && { [ -n "${IGNIS_PG18_TARBALL:-}" ] || pg18_source_present; }; then
           PG18=1
       fi ;;
esac
[ "$PG18" = 1 ] && SETUP_ARGS+=(--pg18-tools)

log "setup (scripts/setup.sh ${SETUP_ARGS[*]})"
if ! bash scripts/setup.sh "${SETUP_ARGS[@]}"; then
    echo "could not install what the tests need" >&2
    record setup-install 0 1
    summary; exit 1
fi
echo "--- setup took $((SECONDS - STEP_T0))s"

# PostgreSQL 18 with assertions: built once into its cache, then reused
if [ "$PG18" = 1 ]; then
    log "PostgreSQL 18 with assertions (scripts/setup.sh --pg18)"
    if bash scripts/setup.sh --pg18 && pg18_config=$(bash scripts/setup.sh --pg18-config); then
        echo "--- PostgreSQL 18 ready after $((SECONDS - STEP_T0))s"
        TARGETS+=("$pg18_config")
    else
        record pg18-build 0 1
    fi
fi

# ---------------------------------------------------------------------------
# Steps that do not depend on the PostgreSQL version
# ---------------------------------------------------------------------------
# run_tap_step <step> <title> <command...>: a command printing TAP lines
run_tap_step() {
    local step=$1 title=$2 out=$ROOT/log/$1.out rc p f
    shift 2
    log "$title"
    "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    read -r p f < <(count_tap "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record "$step" "$p" "$f"
}
step_setup_detection() {
    run_tap_step setup "setup detection (scripts/setup.sh --dry-run --root, on fake roots)" \
        bash test/setup_detection.sh
}
step_package() {
    run_tap_step package "packaging (META.json, versions in step, make dist)" \
        python3 test/check_release.py
}
# gcc -Wextra, cppcheck and clang's scan-build over src/ (once, against
# Debian's PostgreSQL 15 headers): any finding fails the step
step_static() {
    [ "${IGNIS_STATIC:-1}" = 0 ] && return 0
    log "static analysis (scripts/static-analysis.sh)"
    if bash scripts/static-analysis.sh 2>&1 | tee "$ROOT/log/static.out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
        record static 1 0
    else
        record static 0 1
    fi
}

# ---------------------------------------------------------------------------
# Steps run against the throwaway cluster of one PostgreSQL (PGHOST, PGPORT,
# PGUSER set; PGBIN first on PATH)
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
    local tool out=$ROOT/log/isolation.out rc p f
    tool=$PGXS_DIR/src/test/isolation/pg_isolation_regress
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
    local out=$ROOT/log/tap.out rc p f runas=()
    if [ ! -f "$PGXS_DIR/src/test/perl/PostgreSQL/Test/Cluster.pm" ]; then
        echo "no PostgreSQL::Test::Cluster under $PGXS_DIR (built without --enable-tap-tests?)"
        record tap 0 1
        return
    fi
    # initdb refuses to run as root: run the TAP tests as the postgres user
    rm -rf "$ROOT/tmp_check"   # data directories a failed earlier run left behind
    if [ "$(id -u)" -eq 0 ]; then
        chmod -R a+rX "$ROOT"
        mkdir -p "$ROOT/tmp_check" && chown postgres "$ROOT/tmp_check"
        runas=(runuser -u postgres --)
    fi
    (cd "$ROOT" && "${runas[@]}" env PATH="$PGBIN:$PATH" PG_CONFIG="$PG_CONFIG" \
        PERL5LIB="$PGXS_DIR/src/test/perl${PERL5LIB:+:$PERL5LIB}" \
        TESTDIR="$ROOT" TESTDATADIR="$ROOT/tmp_check" TESTLOGDIR="$ROOT/tmp_check/log" \
        PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" \
        prove -v "${tests[@]}") 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    read -r p f < <(count_tap "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record tap "$p" "$f"
}

# The module exports what PostgreSQL looks up and nothing else: the module
# magic, _PG_init, and for every C function the install script names, the
# function and its pg_finfo_ record. Helpers (filter_parse, qb_*, …) stay
# hidden, so they cannot clash with another module's symbols in a backend.
step_symbols() {
    log "exported symbols of ignis.so"
    local p=0 f=0 version script expected exported extra missing
    version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" ignis.control)
    script=sql/ignis--$version.sql
    expected=$( { echo Pg_magic_func; echo _PG_init
                  grep -oE "'MODULE_PATHNAME',[[:space:]]*'[A-Za-z0-9_]+'" "$script" |
                      sed -E "s/.*'([A-Za-z0-9_]+)'$/\1/" | while read -r s; do echo "$s"; echo "pg_finfo_$s"; done
                } | sort -u)
    exported=$(nm -D --defined-only ignis.so | awk '{ print $NF }' |
               grep -vxE '_init|_fini|_edata|_end|__bss_start' | sort -u)
    extra=$(comm -13 <(echo "$expected") <(echo "$exported"))
    missing=$(comm -23 <(echo "$expected") <(echo "$exported"))
    echo "$(echo "$exported" | wc -l) symbols exported, $(echo "$expected" | wc -l) expected from $script"
    if [ -z "$extra" ]; then
        echo "ok 1 - nothing exported beyond the module magic, _PG_init and the SQL entry points"; p=$((p + 1))
    else
        echo "not ok 1 - exported but not looked up by PostgreSQL:"; echo "$extra" | sed 's/^/    /'; f=$((f + 1))
    fi
    if [ -z "$missing" ]; then
        echo "ok 2 - every C function of $script is exported with its pg_finfo_ record"; p=$((p + 1))
    else
        echo "not ok 2 - named by $script but not exported:"; echo "$missing" | sed 's/^/    /'; f=$((f + 1))
    fi
    record symbols "$p" "$f"
}

step_node() {
    [ "${IGNIS_NODE:-1}" = 0 ] && return 0
    [ -f examples/node/package.json ] || return 0
    log "Node.js example (examples/node)"
    local out=$ROOT/log/node.out rc p f
    (cd examples/node && npm ci --no-audit --no-fund --loglevel=error &&
        npm run --silent example && npm test) 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    # node's test runner: "# pass N" / "# fail N"
    p=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$out" | tail -n 1)
    f=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$out" | tail -n 1)
    p=${p:-0} f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record node "$p" "$f"
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
    [ "${IGNIS_NODE:-1}" = 0 ] && return 0
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
    local spec=${IGNIS_SPEC:-} d
    if [ -z "$spec" ]; then
        for d in "$ROOT/../shared" "$ROOT/../../shared"; do
            [ -f "$d/spec/cases.md" ] && { spec=$d/spec/cases.md; break; }
        done
    fi
    [ -n "$spec" ] && [ -f "$spec" ] || return 0
    log "behaviour spec cases ($spec)"
    local out=$ROOT/log/spec.out p f
    python3 "$ROOT/test/spec_cases.py" "$spec" 2>&1 | tee "$out"
    read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$out" | tail -n 1)
    record spec "${p:-0}" "${f:-1}"
}

# ---------------------------------------------------------------------------
# The throwaway cluster: initdb in a temporary directory, unix socket only,
# a free port; stopped and removed by cluster_stop (and on exit)
# ---------------------------------------------------------------------------
. "$ROOT/scripts/lib.sh"    # free_port
CLUSTER=""
RUNAS=()
[ "$(id -u)" -eq 0 ] && RUNAS=(runuser -u postgres --)

cluster_start() {
    local port
    CLUSTER=$(mktemp -d "${TMPDIR:-/tmp}/ignis-test.XXXXXX") || return 1
    chmod 755 "$CLUSTER"
    [ "$(id -u)" -eq 0 ] && chown postgres "$CLUSTER"
    port=$(free_port) || { echo "no free port"; return 1; }
    "${RUNAS[@]}" "$PGBIN/initdb" -D "$CLUSTER/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$CLUSTER/initdb.log" 2>&1 ||
        { cat "$CLUSTER/initdb.log"; return 1; }
    cat >>"$CLUSTER/data/postgresql.conf" <<EOF

# ignis test suite: a throwaway cluster
listen_addresses = ''
port = $port
unix_socket_directories = '$CLUSTER'
fsync = off
max_prepared_transactions = 10
EOF
    "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 120 start >/dev/null ||
        { tail -n 30 "$CLUSTER/server.log"; return 1; }
    # clients talk to this cluster only, whatever the caller's environment says
    unset PGSERVICE PGSERVICEFILE PGPASSWORD PGPASSFILE PGOPTIONS PGSSLMODE PGREQUIRESSL PGHOSTADDR \
          PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS PGAPPNAME PGDATABASE
    export PGHOST=$CLUSTER PGPORT=$port PGUSER=postgres
    echo "cluster in $CLUSTER (port $port)"
}

cluster_stop() {
    [ -n "$CLUSTER" ] || return 0
    if [ -f "$CLUSTER/data/postmaster.pid" ]; then
        "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m fast -w stop >/dev/null 2>&1 ||
            "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m immediate -w stop >/dev/null 2>&1
    fi
    # the server log is kept beside the other logs when something failed
    cp "$CLUSTER/server.log" "$ROOT/log/server-${LABEL%: }.log" 2>/dev/null
    rm -rf "$CLUSTER"
    CLUSTER=""
}
trap cluster_stop EXIT
trap 'exit 130' INT TERM

# objects built for another PostgreSQL (`make clean` would also remove log/)
clean_objects() {
    rm -f ignis.so ignis.bc src/*.o src/*.bc
}

# ---------------------------------------------------------------------------
# One PostgreSQL: build, install, cluster, steps
# ---------------------------------------------------------------------------
run_target() {  # run_target <pg_config> <first?>
    export PG_CONFIG=$1
    local first=$2 version major ts=$SECONDS
    if ! version=$("$PG_CONFIG" --version 2>/dev/null); then
        LABEL=""; log "no PostgreSQL at $PG_CONFIG"; record "pg_config $PG_CONFIG" 0 1; return
    fi
    major=$(echo "$version" | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    LABEL="pg$major: "
    PGBIN=$("$PG_CONFIG" --bindir)
    PGXS_DIR=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
    log "$version ($PG_CONFIG)"

    log "build"
    clean_objects
    if ! make -j2 --no-print-directory; then
        record build 0 1; return
    fi

    log "install"
    local pkglib inst=()
    pkglib=$("$PG_CONFIG" --pkglibdir)
    [ -w "$pkglib" ] || inst=("${SUDO[@]}")
    if ! "${inst[@]}" make --no-print-directory install; then
        record install 0 1; return
    fi
    # Citus for test/t/021_citus.pl (PostgreSQL 15-17, from its tarball in
    # ../shared/vendor; reused once installed)
    "${inst[@]}" env PG_CONFIG="$PG_CONFIG" bash scripts/build-citus.sh || record citus-build 0 1

    log "throwaway cluster"
    if ! cluster_start; then
        record cluster 0 1; cluster_stop; return
    fi
    local oldpath=$PATH
    export PATH=$PGBIN:$PATH
    step_regress
    step_spec
    step_isolation
    step_tap
    step_symbols
    [ "$first" = 1 ] && step_node
    step_bench
    [ "$first" = 1 ] && step_bench_vs_ignis
    export PATH=$oldpath
    cluster_stop
    echo "--- $version: $((SECONDS - ts))s"
}

step_setup_detection
step_package
step_static
first=1
for pgc in "${TARGETS[@]}"; do
    run_target "$pgc" "$first"
    first=0
done
LABEL=""
# the last build was for the last PostgreSQL: leave none behind for a plain
# `make install` into another one
[ ${#TARGETS[@]} -gt 1 ] && clean_objects

summary
