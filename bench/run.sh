#!/usr/bin/env bash
# bench/run.sh - ignis calls against the hand-written SQL that returns the
# identical jsonb, side by side, on a throwaway PostgreSQL 15 cluster.
#
#   bash bench/run.sh            full run (default scale: under 15 minutes)
#   bash bench/run.sh --smoke    tiny scale, a few transactions per side:
#                                a correctness check that takes seconds
#   bash bench/run.sh --vs-ignis [--smoke]
#                                the same cluster and dataset, then ignis against
#                                Ignis 0.0.7 on Node (bench/vs-ignis/, VS_* knobs)
#
# Knobs (environment):
#   BENCH_SCALE         dataset scale; 1 = 100k users, 500k posts, 1M comments (default 1; smoke 0.01)
#   BENCH_SECONDS       seconds per pgbench round (default 2; smoke 1)
#   BENCH_TRANSACTIONS  transactions per client per round instead of seconds (smoke: 20)
#   BENCH_ROUNDS        alternating rounds per side; the median is reported (default 3; smoke 1)
#   BENCH_CLIENTS       client counts (default "1 8"; smoke "1")
#   BENCH_CHECKS        parameter samples checked for equality per op (default 10)
#   BENCH_MEM_CALLS     find calls of the memory test (default 1000000; smoke 2000)
#   BENCH_OPS           only ops whose file name matches this extended regex
#   BENCH_SECTIONS      extra sections to run (default "sweep cache skew memory")
#   BENCH_SWEEP_ROWS    result sizes of the sweep in rows (default "3 20 100 1000 10000",
#                       plus the sizes of ~15 KB and ~150 KB results; smoke "20 100 1000")
#   BENCH_SWEEP_CLIENTS client counts of the sweep (default "1")
#   BENCH_SWEEP_SECONDS seconds per pgbench round of the sweep (default 1)
#   PG_CONFIG / PGBIN   the PostgreSQL to build against and run (default: the system's 15)
#   BENCH_RESULTS       results directory (default bench/results; smoke bench/results/smoke)
#   BENCH_KEEP=1        keep the cluster directory (logs, data) after the run
#   BENCH_NO_BUILD=1    skip `make && make install`
#
# Exit status: 0, or 1 when an ignis result differs from its hand-written
# twin (or errors), or when the setup fails.  Performance targets are
# printed as verdicts, never turned into a failing exit status.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
# The PostgreSQL to build against and run: the one of $PG_CONFIG, else of
# $PGBIN, else Debian's PostgreSQL 15 (so a private copy can be used without
# touching the system install).
if [ -z "${PG_CONFIG:-}" ] && [ -n "${PGBIN:-}" ]; then
    PG_CONFIG=$PGBIN/pg_config
fi
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

SMOKE=0
VS_IGNIS=0
for arg in "$@"; do
    case "$arg" in
        --smoke) SMOKE=1 ;;
        --vs-ignis) VS_IGNIS=1 ;;
        -h|--help) sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

if [ "$SMOKE" = 1 ]; then
    SCALE=${BENCH_SCALE:-0.01}
    SECS=${BENCH_SECONDS:-1}
    TXNS=${BENCH_TRANSACTIONS:-20}
    ROUNDS=${BENCH_ROUNDS:-1}
    CLIENTS=${BENCH_CLIENTS:-1}
    MEM_CALLS=${BENCH_MEM_CALLS:-2000}
    RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results/smoke}
else
    SCALE=${BENCH_SCALE:-1}
    # 2 s rounds: each round opens new connections, and a new backend pays
    # for its first calls (plan cache misses, the measured plan choice of
    # skewed classes); longer rounds weigh that as a long-lived backend does
    SECS=${BENCH_SECONDS:-2}
    TXNS=${BENCH_TRANSACTIONS:-}
    ROUNDS=${BENCH_ROUNDS:-3}
    CLIENTS=${BENCH_CLIENTS:-1 8}
    MEM_CALLS=${BENCH_MEM_CALLS:-1000000}
    RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
fi
CHECKS=${BENCH_CHECKS:-10}
OPS_FILTER=${BENCH_OPS:-.}
SECTIONS=${BENCH_SECTIONS:-sweep cache skew memory}
SWEEP_CLIENTS=${BENCH_SWEEP_CLIENTS:-1}
SWEEP_SECS=${BENCH_SWEEP_SECONDS:-1}
NPROC=$(nproc 2>/dev/null || echo 2)

# Targets (issue "Benchmark suite and performance")
READ_TARGET=0.95
WRITE_TARGET=0.90
HIT_TARGET=99
CACHE_GAIN_TARGET=10
MEM_TARGET_MB=5
# Targets of the result's cost: against plain SQL rows, the
# 20-row page of the sweep; the incremental cost per row of every sweep
# step within FLAT_TARGET x of the 100 -> 1,000-row step.
ROWS20_TARGET=0.5
ROWS20_STRETCH=0.7
FLAT_TARGET=1.5

log() { printf '\n=== %s   [%dm%02ds]\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }
note() { printf '    %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
SECONDS=0

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi

# ---------------------------------------------------------------------------
# 1. Packages (scripts/setup.sh installs what is missing)
# ---------------------------------------------------------------------------
bash "$ROOT/scripts/setup.sh" --bench || die "could not install the required packages"
PGBIN=$("$PG_CONFIG" --bindir) || die "no PostgreSQL at $PG_CONFIG"
PGBENCH=$PGBIN/pgbench
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench)

# ---------------------------------------------------------------------------
# 2. Build and install the extension
# ---------------------------------------------------------------------------
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    log "build and install the extension"
    make -C "$ROOT" -j2 --no-print-directory PG_CONFIG="$PG_CONFIG" >/dev/null || die "make failed"
    "${SUDO[@]}" make -C "$ROOT" --no-print-directory PG_CONFIG="$PG_CONFIG" install >/dev/null || die "make install failed"
fi

# ---------------------------------------------------------------------------
# 3. Throwaway cluster: unix socket only, free port, removed on exit
# ---------------------------------------------------------------------------
. "$ROOT/scripts/lib.sh"    # free_port

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ignis-bench.XXXXXX") || die "mktemp failed"
chmod 755 "$WORK"
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$WORK"
    RUNAS=(runuser -u postgres --)
fi
PORT=$(free_port 55432) || die "no free port"

cleanup() {
    local rc=$?
    if [ -f "$WORK/data/postmaster.pid" ]; then
        "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1
    fi
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "bench: cluster directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "throwaway cluster in $WORK (port $PORT)"
"${RUNAS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; die "initdb failed"; }
cat >>"$WORK/data/postgresql.conf" <<EOF

# ignis benchmark: a throwaway cluster measuring CPU cost, not durability
listen_addresses = ''
port = $PORT
unix_socket_directories = '$WORK'
max_connections = 40
shared_buffers = '${BENCH_SHARED_BUFFERS:-1GB}'
work_mem = '16MB'
maintenance_work_mem = '256MB'
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = '8GB'
checkpoint_timeout = '30min'
autovacuum = off
jit = off
TimeZone = 'UTC'
EOF
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 start >/dev/null ||
    { tail -n 30 "$WORK/server.log"; die "the server did not start"; }

# Clients talk to this cluster only, whatever the caller's environment says.
unset PGSERVICE PGSERVICEFILE PGPASSWORD PGPASSFILE PGOPTIONS PGSSLMODE PGREQUIRESSL PGHOSTADDR \
      PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS PGAPPNAME
export PGHOST=$WORK PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres PGTZ=UTC
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c 'CREATE DATABASE bench' || die "createdb failed"
export PGDATABASE=bench

# ---------------------------------------------------------------------------
# 4. Dataset
# ---------------------------------------------------------------------------
scaled() { awk -v s="$SCALE" -v n="$1" -v m="$2" 'BEGIN { v = int(n * s + 0.5); if (v < m) v = m; print v }'; }
NUSERS=$(scaled 100000 100)
NPOSTS=$(scaled 500000 1000)
NCOMMENTS=$(scaled 1000000 1000)
NTAGS=$(scaled 1000 20)

log "dataset: scale $SCALE: $NUSERS users, $NPOSTS posts, $NCOMMENTS comments, $NTAGS tags"
t0=$SECONDS
"${PSQL[@]}" -f "$BENCH_DIR/sql/schema.sql" >/dev/null || die "schema failed"
"${PSQL[@]}" -v nusers="$NUSERS" -v nposts="$NPOSTS" -v ncomments="$NCOMMENTS" -v ntags="$NTAGS" \
    -f "$BENCH_DIR/sql/data.sql" >"$WORK/load.log" || die "data load failed"
"${PSQL[@]}" -f "$BENCH_DIR/sql/indexes.sql" >>"$WORK/load.log" || die "indexes failed"
"${PSQL[@]}" -f "$BENCH_DIR/sql/models.sql" >/dev/null || die "model registration failed"
LOAD_SECS=$((SECONDS - t0))
DB_SIZE=$("$PGBIN/psql" -X -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
note "loaded in ${LOAD_SECS}s ($DB_SIZE)"

if [ "$VS_IGNIS" = 1 ]; then
    log "ignis vs Ignis 0.0.7 on Node (bench/vs-ignis)"
    VS_SMOKE=$SMOKE VS_RESULTS=$RESULTS bash "$BENCH_DIR/vs-ignis/run.sh"
    rc=$?
    echo "bench: finished in $((SECONDS / 60))m$((SECONDS % 60))s"
    exit $rc
fi

# Expansions used by op files: sizes and fixed lists.
IDS500=$(awk -v n="$NPOSTS" 'BEGIN { for (k = 1; k <= 500; k++) printf "%s%d", (k > 1 ? ", " : ""), 1 + (k * 7919) % n }')
ROWS100=$(awk -v np="$NPOSTS" -v nu="$NUSERS" 'BEGIN { for (k = 1; k <= 100; k++)
    printf "%s{\"postId\": %d, \"authorId\": %d, \"body\": \"bench comment %d\"}", (k > 1 ? ", " : ""),
        1 + (k * 7919) % np, 1 + (k * 104729) % nu, k }')
VALUES100=$(awk -v np="$NPOSTS" -v nu="$NUSERS" 'BEGIN { for (k = 1; k <= 100; k++)
    printf "%s(%d, %d, '\''bench comment %d'\'')", (k > 1 ? ", " : ""), 1 + (k * 7919) % np, 1 + (k * 104729) % nu, k }')
# upsert: 100 comments, the odd ones existing (ids spread over the table),
# the even ones new (ids far above any the table gets during the run)
UPSERT100=$(awk -v np="$NPOSTS" -v nu="$NUSERS" -v nc="$NCOMMENTS" 'BEGIN { for (k = 1; k <= 100; k++)
    printf "%s{\"id\": %d, \"postId\": %d, \"authorId\": %d, \"body\": \"upserted %d\"}", (k > 1 ? ", " : ""),
        (k % 2 ? 1 + (k * 7919) % nc : 2000000000 + k), 1 + (k * 7919) % np, 1 + (k * 104729) % nu, k }')
UPSERTVALUES100=$(awk -v np="$NPOSTS" -v nu="$NUSERS" -v nc="$NCOMMENTS" 'BEGIN { for (k = 1; k <= 100; k++)
    printf "%s(%d::bigint, %d, %d, '\''upserted %d'\'', %d)", (k > 1 ? ", " : ""),
        (k % 2 ? 1 + (k * 7919) % nc : 2000000000 + k), 1 + (k * 7919) % np, 1 + (k * 104729) % nu, k, k }')

expand() {  # expand <op file> -> text with sizes and lists substituted
    sed -e "s/\bNUSERS\b/$NUSERS/g" -e "s/\bNPOSTS\b/$NPOSTS/g" \
        -e "s/\bNCOMMENTS\b/$NCOMMENTS/g" -e "s/\bNTAGS\b/$NTAGS/g" \
        -e "s/@@IDS500@@/$IDS500/g" -e "s/@@ROWS100@@/$ROWS100/g" \
        -e "s/@@VALUES100@@/$VALUES100/g" -e "s/@@UPSERT100@@/$UPSERT100/g" \
        -e "s/@@UPSERTVALUES100@@/$UPSERTVALUES100/g" "$1"
}

# ---------------------------------------------------------------------------
# Helpers: op files, pgbench, medians
# ---------------------------------------------------------------------------
header() {  # header <expanded file> <key>  -> values of "-- key: value" lines
    sed -n "s/^-- $2: //p" "$1"
}
section() {  # section <expanded file> ignis|hand|json|rows -> the SQL of that section
    awk -v want="$2" '/^-- @[a-z]+/ { s = substr($2, 2); next }
                      s == want && !/^[[:space:]]*--/ { print }' "$1"
}
has_section() { grep -q "^-- @$2\b" "$1"; }  # has_section <expanded file> <side>
strip_semicolon() {  # the SQL without its final semicolon (for \gset)
    sed -e ':a' -e '$!{N;ba' -e '}' -e 's/;[[:space:]]*$//'
}
median() {  # median of the arguments
    printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "NaN"; exit }
                                  if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN" || b + 0 == 0) print "NaN"; else printf "%.3f", a / b }'; }
fmt_tps() { awk -v a="$1" 'BEGIN { if (a == "NaN") print "n/a"; else printf "%.0f", a }'; }

# run_pgbench <label> <clients> <script> [extra pgbench args...] -> prints TPS
run_pgbench() {
    local label=$1 clients=$2 script=$3; shift 3
    local jobs=$((clients < NPROC ? clients : NPROC)) out=$WORK/pgbench.$label.log dur
    if [ -n "$TXNS" ]; then dur=(-t "$TXNS"); else dur=(-T "$SECS"); fi
    "$PGBENCH" -n -M prepared -c "$clients" -j "$jobs" "${dur[@]}" -f "$script" "$@" >"$out" 2>&1
    local tps
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | head -n 1)
    if grep -qE '^(number of failed transactions: [1-9]|.*(ERROR|FATAL|aborted))' "$out"; then
        echo "pgbench $label failed:" >&2; grep -E 'ERROR|FATAL|aborted|failed' "$out" | head -n 5 >&2
        tps=NaN
    fi
    echo "${tps:-NaN}"
}

# pgbench script of one side: \set lines for the variables, optional
# BEGIN/ROLLBACK around the statement.
make_script() {  # make_script <expanded op> <side> <out file>
    local f=$1 side=$2 out=$3 name lo hi
    : >"$out"
    while read -r name lo hi; do
        [ -n "$name" ] && echo "\\set $name random($lo, $hi)" >>"$out"
    done < <(header "$f" var)
    [ "$(header "$f" tx)" = rollback ] && echo "BEGIN;" >>"$out"
    section "$f" "$side" >>"$out"
    [ "$(header "$f" tx)" = rollback ] && echo "ROLLBACK;" >>"$out"
}

# psql script checking that both sides return the same jsonb for CHECKS
# deterministic parameter samples (each sample in a rolled-back transaction,
# each side in its own savepoint).  The json-text side, when the op has one,
# must equal the hand-written jsonb too; the plain-rows side must run.
make_check() {  # make_check <expanded op> <out file>
    local f=$1 out=$2 k name lo hi val reset ignis hand json rows
    reset=$(header "$f" reset)
    ignis=$(section "$f" ignis | strip_semicolon)
    hand=$(section "$f" hand | strip_semicolon)
    json=$(section "$f" json | strip_semicolon)
    rows=$(section "$f" rows)
    : >"$out"
    for k in $(seq 1 "$CHECKS"); do
        while read -r name lo hi; do
            [ -n "$name" ] || continue
            lo=$((lo)); hi=$((hi))
            case $k in
                1) val=$lo ;;
                2) val=$hi ;;
                *) val=$((lo + (k * 7919 * 31) % (hi - lo + 1))) ;;
            esac
            echo "\\set $name $val" >>"$out"
        done < <(header "$f" var)
        cat >>"$out" <<EOF
\\set bench_ignis_result '__unset__'
\\set bench_hand_result '__unset__'
BEGIN;
SAVEPOINT bench_check;
${reset:+$reset;}
$ignis
\\gset bench_ignis_
ROLLBACK TO SAVEPOINT bench_check;
${reset:+$reset;}
$hand
\\gset bench_hand_
${json:+$json
\\gset bench_json_}
${rows:+\\o /dev/null
$rows
\\o}
ROLLBACK;
SELECT coalesce(NULLIF(:'bench_ignis_result', '__unset__')::jsonb
                = NULLIF(:'bench_hand_result', '__unset__')::jsonb, false)
       ${json:+AND coalesce(:'bench_json_result'::jsonb = NULLIF(:'bench_hand_result', '__unset__')::jsonb, false)} AS bench_eq \\gset
\\if :bench_eq
\\echo MATCH $k
\\else
\\echo MISMATCH $k
\\echo ignis: :bench_ignis_result
\\echo hand: :bench_hand_result
\\endif
EOF
    done
}

RESULTS_TSV=$WORK/results.tsv       # op kind title clients ignis hand ratio ... target
STATUS_TSV=$WORK/status.tsv         # op kind title status detail
: >"$RESULTS_TSV"; : >"$STATUS_TSV"
FAILED=0

# run_op <op file>: check, then time both sides at each client count
run_op() {
    local file=$1 op f kind title probe compare base target
    op=$(basename "$file" .sql); op=${op#[0-9][0-9]_}
    f=$WORK/op.$op.sql
    expand "$file" >"$f"
    kind=$(header "$f" kind); title=$(header "$f" title)
    probe=$(header "$f" requires)
    compare=$(header "$f" compare)
    base=$(header "$f" baseline); base=${base:-hand}
    target=$(header "$f" target)
    printf '\n--- %s (%s): %s\n' "$op" "$kind" "$title"

    if [ -n "$probe" ] && ! "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -c "$probe" >/dev/null 2>"$WORK/probe.$op.err"; then
        note "skipped: $(head -n 1 "$WORK/probe.$op.err")"
        printf '%s\t%s\t%s\tskipped\t%s\n' "$op" "$kind" "$title" "$(head -n 1 "$WORK/probe.$op.err")" >>"$STATUS_TSV"
        return 0
    fi

    if [ "$compare" != none ]; then
        make_check "$f" "$WORK/check.$op.sql"
        if ! "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -f "$WORK/check.$op.sql" >"$WORK/check.$op.out" 2>&1; then
            note "ERROR while checking $op:"
            grep -E 'ERROR|DETAIL|HINT' "$WORK/check.$op.out" | head -n 4 | sed 's/^/      /'
            printf '%s\t%s\t%s\terror\t%s\n' "$op" "$kind" "$title" \
                "$(grep -m1 ERROR "$WORK/check.$op.out" | cut -c1-200)" >>"$STATUS_TSV"
            FAILED=1
            return 0
        fi
        if grep -q '^MISMATCH' "$WORK/check.$op.out"; then
            note "MISMATCH: ignis result differs from the hand-written SQL for op $op"
            grep -A2 -m1 '^MISMATCH' "$WORK/check.$op.out" | cut -c1-400 | sed 's/^/      /'
            mkdir -p "$RESULTS" && cp "$WORK/check.$op.out" "$RESULTS/mismatch-$op.txt"
            note "both results in full: $RESULTS/mismatch-$op.txt"
            printf '%s\t%s\t%s\tmismatch\tsee check output\n' "$op" "$kind" "$title" >>"$STATUS_TSV"
            FAILED=1
            return 0
        fi
        note "identical jsonb on $(grep -c '^MATCH' "$WORK/check.$op.out") parameter samples"
    fi
    printf '%s\t%s\t%s\tok\t\n' "$op" "$kind" "$title" >>"$STATUS_TSV"

    # sides: ignis and the hand-written jsonb, plus (read ops) the same
    # result as json text and the plain rows an ORM would fetch
    local sides=(ignis hand) side
    for side in json rows; do has_section "$f" $side && sides+=($side); done
    for side in "${sides[@]}"; do
        make_script "$f" $side "$WORK/pgb.$op.$side.sql"
        # warm-up: caches, plan caches, buffers
        SECS=1 TXNS=${TXNS:+5} run_pgbench "$op.warm.$side" 1 "$WORK/pgb.$op.$side.sql" >/dev/null
    done

    local c
    for c in $CLIENTS; do
        time_sides "$op" "$c" "${sides[@]}"
        printf '    %2s clients: ignis %8s tps   %-6s %8s tps   ratio %s   (rounds: ignis %s | hand %s)\n' \
            "$c" "$(fmt_tps "${MED[ignis]}")" "$base" "$(fmt_tps "${MED[hand]}")" \
            "$(ratio "${MED[ignis]}" "${MED[hand]}")" "${ROUNDS_OF[ignis]}" "${ROUNDS_OF[hand]}"
        if [ ${#sides[@]} -gt 2 ]; then
            printf '                json text %8s tps   ratio %s   plain rows %8s tps   ratio %s   (rounds: json %s | rows %s)\n' \
                "$(fmt_tps "${MED[json]:-NaN}")" "$(ratio "${MED[ignis]}" "${MED[json]:-NaN}")" \
                "$(fmt_tps "${MED[rows]:-NaN}")" "$(ratio "${MED[ignis]}" "${MED[rows]:-NaN}")" \
                "${ROUNDS_OF[json]:-}" "${ROUNDS_OF[rows]:-}"
        fi
        # op kind title clients ignis hand ratio json-tps rows-tps ignis/json ignis/rows target
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$kind" "$title" "$c" \
            "${MED[ignis]}" "${MED[hand]}" "$(ratio "${MED[ignis]}" "${MED[hand]}")" \
            "${MED[json]:-NaN}" "${MED[rows]:-NaN}" \
            "$(ratio "${MED[ignis]}" "${MED[json]:-NaN}")" "$(ratio "${MED[ignis]}" "${MED[rows]:-NaN}")" \
            "$target" >>"$RESULTS_TSV"
    done
}

# time_sides <label> <clients> <side>... : ROUNDS rounds of every side's
# pgbench script ($WORK/pgb.<label>.<side>.sql), the order rotating from
# round to round (and reversed in even rounds) so that drift of the machine
# cancels; sets MED[side] (median TPS) and ROUNDS_OF[side] (every round).
declare -A MED ROUNDS_OF
time_sides() {
    local label=$1 c=$2; shift 2
    local sides=("$@") n=$# r k side order t
    declare -A all=()
    for r in $(seq 1 "$ROUNDS"); do
        order=()
        for k in $(seq 0 $((n - 1))); do order+=("${sides[$(( (k + (r - 1) / 2) % n ))]}"); done
        if [ $((r % 2)) -eq 0 ]; then
            local rev=() i
            for ((i = n - 1; i >= 0; i--)); do rev+=("${order[$i]}"); done
            order=("${rev[@]}")
        fi
        for side in "${order[@]}"; do
            t=$(run_pgbench "$label.c$c.r$r.$side" "$c" "$WORK/pgb.$label.$side.sql")
            all[$side]="${all[$side]:+${all[$side]} }$t"
        done
    done
    MED=(); ROUNDS_OF=()
    for side in "${sides[@]}"; do
        # shellcheck disable=SC2086
        MED[$side]=$(median ${all[$side]})
        ROUNDS_OF[$side]=${all[$side]}
    done
}

# ---------------------------------------------------------------------------
# 5. Read ops
# ---------------------------------------------------------------------------
OP_FILES=()
for file in "$BENCH_DIR"/ops/*.sql; do
    basename "$file" | grep -Eq "$OPS_FILTER" && OP_FILES+=("$file")
done
kind_of() { sed -n 's/^-- kind: //p' "$1"; }

log "read ops ($ROUNDS alternating round(s) of $([ -n "$TXNS" ] && echo "$TXNS transactions" || echo "${SECS}s") per side, clients: $CLIENTS)"
for file in "${OP_FILES[@]}"; do
    case $(kind_of "$file") in read|strategy) run_op "$file" ;; esac
done

# ---------------------------------------------------------------------------
# 5b. Result-size sweep: flat pages of posts (all columns) from 3 rows to
#     10,000, ignis against the hand-written jsonb, json text and plain rows
# ---------------------------------------------------------------------------
SWEEP_SIZES=(); declare -A SWEEP_BYTES
if [[ " $SECTIONS " == *" sweep "* ]]; then
    log "result-size sweep (flat pages of posts, all columns; clients: $SWEEP_CLIENTS)"
    sweep_json() { echo "{\"where\": {\"id\": {\"gte\": $1}}, \"order\": [\"id ASC\"], \"limit\": $2}"; }
    # bytes per row of this page, to add the sizes giving ~15 KB and ~150 KB
    avg=$("$PGBIN/psql" -X -At -c "SELECT octet_length(ignis.find('Post', '$(sweep_json 1 100)')::text) / 100.0")
    if [ -n "${BENCH_SWEEP_ROWS:-}" ]; then sizes=$BENCH_SWEEP_ROWS
    elif [ "$SMOKE" = 1 ]; then sizes="20 100 1000"
    else sizes="3 20 100 1000 10000"; fi
    if [ -z "${BENCH_SWEEP_ROWS:-}" ] && [ "$SMOKE" != 1 ] && [ -n "$avg" ]; then
        sizes="$sizes $(awk -v a="$avg" 'BEGIN { printf "%d %d", 15000 / a + 0.5, 150000 / a + 0.5 }')"
    fi
    mkdir -p "$WORK/sweep"
    for n in $(printf '%s\n' $sizes | sort -n -u); do
        # pages start at a random id with room for n live rows (2% are soft-deleted)
        hi=$(( NPOSTS - n - n / 10 - 50 ))
        [ "$hi" -ge 1 ] || { note "sweep: $n rows skipped (only $NPOSTS posts)"; continue; }
        SWEEP_SIZES+=("$n")
        cols='p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body, p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt", p.deleted_at AS "deletedAt"'
        page="FROM public.posts p WHERE p.id >= :s AND p.deleted_at IS NULL ORDER BY p.id LIMIT $n"
        cat >"$WORK/sweep/sweep_$n.sql" <<EOF
-- title: flat page of $n posts, all columns
-- kind: sweep
-- var: s 1 $hi
-- @ignis
SELECT ignis.find('Post', ('{"where": {"id": {"gte": ' || :s || '}}, "order": ["id ASC"], "limit": $n}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result FROM (SELECT $cols $page) r;
-- @json
SELECT COALESCE(json_agg(r), '[]') AS result FROM (SELECT $cols $page) r;
-- @rows
SELECT p.id, p.author_id, p.category_id, p.title, p.body, p.status, p.views, p.tags, p.metadata, p.created_at, p.deleted_at $page;
EOF
        SWEEP_BYTES[$n]=$("$PGBIN/psql" -X -At -c "SELECT octet_length(ignis.find('Post', '$(sweep_json 1 "$n")')::text)")
        SECS=$SWEEP_SECS TXNS=${TXNS:+5} CLIENTS=$SWEEP_CLIENTS CHECKS=$((CHECKS < 3 ? CHECKS : 3)) run_op "$WORK/sweep/sweep_$n.sql"
    done
fi

# ---------------------------------------------------------------------------
# 6. Plan cache: hit rate in steady state, cached vs uncached
# ---------------------------------------------------------------------------
HIT_STEADY=NaN; HIT_ALL=NaN; CACHE_ON=NaN; CACHE_OFF=NaN; CACHE_GAIN=NaN
CACHE_INC_ON=NaN; CACHE_INC_OFF=NaN; CACHE_INC_GAIN=NaN; CACHE_STATS=
CACHE_GENERIC=NaN; CACHE_CUSTOM=NaN
if [[ " $SECTIONS " == *" cache "* ]]; then
    log "plan cache"
    # One session runs every read op's ignis call with varying parameters:
    # a warm-up pass, a stats snapshot, then $passes steady passes.
    passes=$([ "$SMOKE" = 1 ] && echo 20 || echo 200)
    hs=$WORK/hitrate.sql
    : >"$hs"
    emit_pass() {  # emit_pass <pass number>
        local file f name lo hi
        for file in "${OP_FILES[@]}"; do
            [ "$(kind_of "$file")" = read ] || continue
            f=$WORK/hit.$(basename "$file")
            expand "$file" >"$f"
            while read -r name lo hi; do
                [ -n "$name" ] && echo "\\set $name $(( (lo) + ($1 * 7919 + 13) % ((hi) - (lo) + 1) ))" >>"$hs"
            done < <(header "$f" var)
            section "$f" ignis | strip_semicolon >>"$hs"
            echo '\g /dev/null' >>"$hs"
        done
    }
    emit_pass 0
    echo "SELECT ignis.plan_cache_stats() AS s0 \\gset" >>"$hs"
    for p in $(seq 1 "$passes"); do emit_pass "$p"; done
    cat >>"$hs" <<'EOF'
SELECT ignis.plan_cache_stats() AS s1 \gset
SELECT round(100.0 * ((:'s1'::jsonb->>'hits')::numeric - (:'s0'::jsonb->>'hits')::numeric)
             / nullif((:'s1'::jsonb->>'hits')::numeric + (:'s1'::jsonb->>'misses')::numeric
                      - (:'s0'::jsonb->>'hits')::numeric - (:'s0'::jsonb->>'misses')::numeric, 0), 3) AS steady,
       round(100.0 * (:'s1'::jsonb->>'hit_rate')::numeric, 3) AS overall,
       :'s1' AS stats
\gset
\echo :steady
\echo :overall
\echo :stats
EOF
    if "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -f "$hs" >"$WORK/hitrate.out" 2>&1; then
        HIT_STEADY=$(sed -n 1p "$WORK/hitrate.out"); HIT_ALL=$(sed -n 2p "$WORK/hitrate.out")
        CACHE_STATS=$(sed -n 3p "$WORK/hitrate.out")
        note "hit rate: steady state ${HIT_STEADY}% (after a warm-up pass; $passes passes over the read ops), overall ${HIT_ALL}%"
        note "plan_cache_stats(): $CACHE_STATS"
    else
        note "hit-rate session failed:"; grep -E 'ERROR' "$WORK/hitrate.out" | head -n 3 | sed 's/^/      /'
    fi

    # cached (default plan_mode) vs uncached (plan_mode = off), plus the two
    # forced modes to show where the time goes; modes alternate every round.
    cache_modes() {  # cache_modes <op> <mode>... -> one median tps per mode
        local op=$1 r m i
        shift
        local -a modes=("$@") acc=()
        if [ ! -f "$WORK/pgb.$op.ignis.sql" ]; then
            for m in "${modes[@]}"; do printf 'NaN '; done
            echo; return
        fi
        for i in "${!modes[@]}"; do acc[i]=""; done
        for r in $(seq 1 "$ROUNDS"); do
            for i in "${!modes[@]}"; do
                m=${modes[i]}
                acc[i]+=" $(PGOPTIONS="-c ignis.plan_mode=$m" run_pgbench "cache.$op.$m.r$r" 1 "$WORK/pgb.$op.ignis.sql")"
            done
        done
        for i in "${!modes[@]}"; do
            # shellcheck disable=SC2086
            printf '%s ' "$(median ${acc[i]})"
        done
        echo
    }
    gain() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NaN" || b == "NaN" || b + 0 == 0) print "NaN"; else printf "%.1f", 100 * (a / b - 1) }'; }
    read -r CACHE_ON CACHE_OFF CACHE_GENERIC CACHE_CUSTOM < <(cache_modes find_flat auto off force_generic_plan force_custom_plan)
    CACHE_GAIN=$(gain "$CACHE_ON" "$CACHE_OFF")
    note "flat find, 1 client: default (auto) $(fmt_tps "$CACHE_ON") tps, off (no cache) $(fmt_tps "$CACHE_OFF") tps: ${CACHE_GAIN}% from the cache"
    note "    force_generic_plan $(fmt_tps "$CACHE_GENERIC") tps, force_custom_plan $(fmt_tps "$CACHE_CUSTOM") tps"
    read -r CACHE_INC_ON CACHE_INC_OFF < <(cache_modes find_include auto off)
    CACHE_INC_GAIN=$(gain "$CACHE_INC_ON" "$CACHE_INC_OFF")
    note "two-level include, 1 client: default $(fmt_tps "$CACHE_INC_ON") tps, off $(fmt_tps "$CACHE_INC_OFF") tps: ${CACHE_INC_GAIN}% from the cache"
fi

# ---------------------------------------------------------------------------
# 7. Skewed column: generic plans after common-value traffic
# ---------------------------------------------------------------------------
SKEW_ROWS=()
if [[ " $SECTIONS " == *" skew "* ]]; then
    log "skewed column: status 90% 'published' vs 1% 'draft' (top 20 by views)"
    skew_filter() { echo "{\"where\": {\"status\": \"$1\"}, \"fields\": [\"id\", \"title\", \"views\"], \"order\": [\"views DESC\"], \"limit\": 20}"; }
    skew_hand() {
        echo "SELECT COALESCE(json_agg(r), '[]')::jsonb AS result FROM (SELECT p.id, p.title, p.views FROM public.posts p WHERE p.status = '$1' AND p.deleted_at IS NULL ORDER BY p.views DESC, p.id LIMIT 20) r;"
    }
    # Each client first makes 8 calls with the common value (so the shared
    # cached statement has seen only common values when PostgreSQL decides
    # between custom and generic plans), then every transaction calls the
    # common and the rare value once; pgbench -r gives each call's latency.
    cat >"$WORK/skew.ignis.sql" <<EOF
\\if :warmed = 0
SELECT count(ignis.find('Post', '$(skew_filter published)')) FROM generate_series(1, 8);
\\set warmed 1
\\endif
SELECT ignis.find('Post', '$(skew_filter published)') AS common;
SELECT ignis.find('Post', '$(skew_filter draft)') AS rare;
EOF
    cat >"$WORK/skew.hand.sql" <<EOF
\\if :warmed = 0
\\set warmed 1
\\endif
$(skew_hand published)
$(skew_hand draft)
EOF
    skew_check=$("$PGBIN/psql" -X -At -c "SELECT ignis.find('Post', '$(skew_filter draft)') = ($(skew_hand draft | sed 's/;$//'))")
    [ "$skew_check" = t ] || { note "MISMATCH: skew query differs from its hand-written SQL"; FAILED=1; }
    skew_run() {  # skew_run <label> <script> [env...] -> "rare_ms common_ms"
        local label=$1 script=$2 out=$WORK/pgbench.skew.$1.log dur
        shift 2
        if [ -n "$TXNS" ]; then dur=(-t "$TXNS"); else dur=(-T "$((SECS < 3 ? 3 : SECS))"); fi
        env "$@" "$PGBENCH" -n -M prepared -c 1 -j 1 "${dur[@]}" -r -D warmed=0 -f "$script" >"$out" 2>&1
        # the last two statements of the script are the common and the rare call
        awk '/statement latencies/ { s = 1; next } s && $1 ~ /^[0-9.]+$/ { c = r; r = $1 }
             END { print (r == "" ? "NaN" : r), (c == "" ? "NaN" : c) }' "$out"
    }
    for mode in auto force_custom_plan force_generic_plan; do
        read -r rare common < <(skew_run "$mode" "$WORK/skew.ignis.sql" PGOPTIONS="-c ignis.plan_mode=$mode")
        SKEW_ROWS+=("ignis, plan_mode = $mode	$rare	$common")
    done
    read -r rare common < <(skew_run hand "$WORK/skew.hand.sql")
    SKEW_ROWS+=("hand-written, literal values	$rare	$common")
    for row in "${SKEW_ROWS[@]}"; do
        IFS=$'\t' read -r label rare common <<<"$row"
        printf '    %-40s rare: %8s ms/call (%s calls/s)   common: %8s ms/call (%s calls/s)\n' "$label" \
            "$rare" "$(awk -v m="$rare" 'BEGIN { if (m == "NaN" || m + 0 == 0) print "n/a"; else printf "%.0f", 1000 / m }')" \
            "$common" "$(awk -v m="$common" 'BEGIN { if (m == "NaN" || m + 0 == 0) print "n/a"; else printf "%.0f", 1000 / m }')"
    done
fi

# ---------------------------------------------------------------------------
# 8. Memory: backend growth over MEM_CALLS find calls in one session
# ---------------------------------------------------------------------------
MEM_CTX=NaN; MEM_RSS=NaN; MEM_SECS=NaN
if [[ " $SECTIONS " == *" memory "* ]]; then
    log "memory: $MEM_CALLS flat find calls in one session"
    mem_call="ignis.find('Post', ('{\"where\": {\"authorId\": ' || (1 + i % $NUSERS) || ', \"status\": \"published\"}, \"order\": [\"createdAt DESC\"], \"limit\": 20}')::jsonb)"
    cat >"$WORK/memory.sql" <<EOF
CREATE TEMP VIEW bench_mem AS
  SELECT (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) AS ctx,
         substring(pg_read_file('/proc/self/status') FROM 'RssAnon:\s+([0-9]+)')::bigint AS rss_kb;
SELECT count($mem_call) FROM generate_series(1, 1000) i \\g /dev/null
SELECT ctx AS ctx0, rss_kb AS rss0 FROM bench_mem \\gset
SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset
SELECT count($mem_call) FROM generate_series(1, $MEM_CALLS) i \\g /dev/null
SELECT extract(epoch FROM clock_timestamp()) AS t1 \\gset
SELECT ctx AS ctx1, rss_kb AS rss1 FROM bench_mem \\gset
\\echo :ctx0 :ctx1 :rss0 :rss1 :t0 :t1
EOF
    if "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -f "$WORK/memory.sql" >"$WORK/memory.out" 2>&1; then
        read -r ctx0 ctx1 rss0 rss1 mt0 mt1 <"$WORK/memory.out"
        MEM_CTX=$(awk -v a="$ctx0" -v b="$ctx1" 'BEGIN { printf "%.2f", (b - a) / 1048576 }')
        MEM_RSS=$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%.2f", (b - a) / 1024 }')
        MEM_SECS=$(awk -v a="$mt0" -v b="$mt1" 'BEGIN { printf "%.1f", b - a }')
        note "memory contexts: $(awk -v a="$ctx0" 'BEGIN { printf "%.2f", a / 1048576 }') MB -> $(awk -v a="$ctx1" 'BEGIN { printf "%.2f", a / 1048576 }') MB (growth $MEM_CTX MB)"
        note "RssAnon:         $(awk -v a="$rss0" 'BEGIN { printf "%.2f", a / 1024 }') MB -> $(awk -v a="$rss1" 'BEGIN { printf "%.2f", a / 1024 }') MB (growth $MEM_RSS MB)"
        note "$MEM_CALLS calls in ${MEM_SECS}s ($(awk -v n="$MEM_CALLS" -v s="$MEM_SECS" 'BEGIN { if (s > 0) printf "%.1f", 1e6 * s / n; else print "n/a" }') us per call)"
    else
        note "memory session failed:"; grep ERROR "$WORK/memory.out" | head -n 3 | sed 's/^/      /'
    fi
fi

# ---------------------------------------------------------------------------
# 9. Write ops (last: they change the data)
# ---------------------------------------------------------------------------
log "write ops"
for file in "${OP_FILES[@]}"; do
    [ "$(kind_of "$file")" = write ] && run_op "$file"
done

# ---------------------------------------------------------------------------
# 10. Results: markdown table, chart, verdicts
# ---------------------------------------------------------------------------
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y%m%d-%H%M%S)
MD=$RESULTS/results.md
# rows bytes clients ignis-tps hand-tps json-tps rows-tps, by size
SWEEP_TSV=$WORK/sweep.tsv
: >"$SWEEP_TSV"
for n in "${SWEEP_SIZES[@]}"; do
    awk -F'\t' -v op="sweep_$n" -v n="$n" -v b="${SWEEP_BYTES[$n]:-0}" \
        '$1 == op { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n, b, $4, $5, $6, $8, $9 }' "$RESULTS_TSV" >>"$SWEEP_TSV"
done
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

verdict_ratio() {  # verdict_ratio <kind> <target> [op] -> "MET|MISSED|NO DATA<TAB>detail"
    awk -F'\t' -v kind="$1" -v t="$2" -v op="${3:-}" '
        $2 == kind && (op == "" || $1 == op) { n++; if ($7 == "NaN" || $7 + 0 < t) { bad = bad sprintf("%s%s@%s=%s", (bad ? ", " : ""), $1, $4, $7) }
                     if (min == "" || $7 + 0 < min) min = $7 + 0 }
        END { if (!n) print "NO DATA\t"; else if (bad) print "MISSED\t" bad; else printf "MET\tlowest ratio %.3f\n", min }' "$RESULTS_TSV"
}
skipped_of() {  # skipped_of <kind> [op] -> names of skipped ops of that kind
    awk -F'\t' -v kind="$1" -v op="${2:-}" '$2 == kind && (op == "" || $1 == op) && $4 != "ok" { printf "%s%s (%s)", (s++ ? ", " : ""), $1, $4 }' "$STATUS_TSV"
}

{
    echo "# ignis benchmark results"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src sql 2>/dev/null || echo ' (uncommitted changes in src/ or sql/)'),"
    echo "PostgreSQL $("$PGBIN/psql" -X -At -c 'SHOW server_version'), $NPROC CPUs ($CPU), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Scale $SCALE: $NUSERS users, $NPOSTS posts, $NCOMMENTS comments ($DB_SIZE, loaded in ${LOAD_SECS}s)."
    echo "pgbench -M prepared, $([ -n "$TXNS" ] && echo "$TXNS transactions" || echo "${SECS}s") per round, median of $ROUNDS alternating round(s) per side."
    echo
    echo "## ignis vs hand-written SQL (identical jsonb)"
    echo
    echo "| op | kind | clients | ignis tps | hand-written tps | ratio | target |"
    echo "|----|------|--------:|----------:|-----------------:|------:|-------:|"
    awk -F'\t' -v rt="$READ_TARGET" -v wt="$WRITE_TARGET" '$2 != "sweep" {
        t = ($2 == "read") ? rt : ($2 == "write") ? wt : ($12 != "") ? $12 : 100
        mark = ($7 == "NaN" || $7 + 0 < t) ? " **(missed)**" : ""
        printf "| %s | %s | %s | %.0f | %.0f | %s%s | >= %s |\n", $1, $2, $4, $5, $6, $7, mark, t }' "$RESULTS_TSV"
    if awk -F'\t' '$4 != "ok"' "$STATUS_TSV" | grep -q .; then
        echo
        echo "Not timed:"
        echo
        awk -F'\t' '$4 != "ok" { printf "- %s (%s): %s %s\n", $1, $3, $4, $5 }' "$STATUS_TSV"
    fi
    if awk -F'\t' '$2 == "read" && $8 != "NaN"' "$RESULTS_TSV" | grep -q .; then
        echo
        echo "## ignis vs the limits: hand-written jsonb, json text, plain rows"
        echo
        echo "The same read ops, each also as the json_agg text (json, not jsonb) and as the plain SELECT an ORM"
        echo "sends (the same rows, no JSON; for find_range the page and the count as two statements; for"
        echo "find_include one row per user, post and comment).  All four sides alternate in the same rounds."
        echo
        echo "| op | clients | ignis tps | hand jsonb tps | json text tps | plain rows tps | ÷ hand jsonb | ÷ json text | ÷ plain rows |"
        echo "|----|--------:|----------:|---------------:|--------------:|---------------:|-------------:|------------:|-------------:|"
        awk -F'\t' '$2 == "read" { printf "| %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s | %s |\n", $1, $4, $5, $6, $8, $9, $7, $10, $11 }' "$RESULTS_TSV"
    fi
    if [ -s "$SWEEP_TSV" ]; then
        echo
        echo "## Result-size sweep: flat pages of posts, all columns"
        echo
        echo "\`ignis.find('Post', {where: {id: {gte: s}}, order: [\"id ASC\"], limit: n})\` against the same page as"
        echo "hand-written jsonb, json text and plain rows.  Latency per call is clients / tps; \"per row\" divides it"
        echo "by n; \"incremental\" is the latency added per row since the previous size, in which the fixed cost"
        echo "of a call cancels: a flat result cost keeps it constant."
        echo
        echo "| rows | result | clients | ignis µs/call | hand jsonb | json text | plain rows | ignis µs/row | plain rows µs/row | ignis incremental µs/row | plain rows incremental µs/row | ÷ hand jsonb | ÷ json text | ÷ plain rows |"
        echo "|-----:|-------:|--------:|--------------:|-----------:|----------:|-----------:|-------------:|------------------:|-------------------------:|------------------------------:|-------------:|------------:|-------------:|"
        awk -F'\t' '
            function us(c, t) { return (t == "NaN" || t + 0 == 0) ? "NaN" : c * 1e6 / t }
            function f(x, d) { return (x == "NaN") ? "n/a" : sprintf("%." d "f", x) }
            { li = us($3, $4); lh = us($3, $5); lj = us($3, $6); lr = us($3, $7)
              inc_i = inc_r = "NaN"
              if (($3 in pn) && li != "NaN" && pli[$3] != "NaN") inc_i = (li - pli[$3]) / ($1 - pn[$3])
              if (($3 in pn) && lr != "NaN" && plr[$3] != "NaN") inc_r = (lr - plr[$3]) / ($1 - pn[$3])
              kb = ($2 >= 1024) ? sprintf("%.1f KB", $2 / 1024) : $2 " B"
              printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, kb, $3,
                     f(li, 0), f(lh, 0), f(lj, 0), f(lr, 0), f(li == "NaN" ? "NaN" : li / $1, 2), f(lr == "NaN" ? "NaN" : lr / $1, 2),
                     f(inc_i, 2), f(inc_r, 2),
                     (li == "NaN" || lh == "NaN") ? "n/a" : sprintf("%.3f", lh / li),
                     (li == "NaN" || lj == "NaN") ? "n/a" : sprintf("%.3f", lj / li),
                     (li == "NaN" || lr == "NaN") ? "n/a" : sprintf("%.3f", lr / li)
              pn[$3] = $1; pli[$3] = li; plr[$3] = lr }' "$SWEEP_TSV"
    fi
    echo
    echo "## Plan cache"
    echo
    echo "| measure | value | target |"
    echo "|---------|------:|-------:|"
    echo "| hit rate, steady state (after one warm-up pass) | ${HIT_STEADY}% | >= ${HIT_TARGET}% |"
    echo "| hit rate, overall (cold misses included) | ${HIT_ALL}% | |"
    echo "| flat find, default ignis.plan_mode (auto), tps at 1 client | $(fmt_tps "$CACHE_ON") | |"
    echo "| flat find, ignis.plan_mode = off (no cache) | $(fmt_tps "$CACHE_OFF") | |"
    echo "| flat find, ignis.plan_mode = force_generic_plan | $(fmt_tps "$CACHE_GENERIC") | |"
    echo "| flat find, ignis.plan_mode = force_custom_plan | $(fmt_tps "$CACHE_CUSTOM") | |"
    echo "| flat find: gain from the cache (auto vs off) | ${CACHE_GAIN}% | >= ${CACHE_GAIN_TARGET}% |"
    echo "| two-level include: gain from the cache (auto vs off) | ${CACHE_INC_GAIN}% | |"
    [ -n "$CACHE_STATS" ] && { echo; echo "\`plan_cache_stats()\` at the end of the hit-rate session: \`$CACHE_STATS\`"; }
    if [ ${#SKEW_ROWS[@]} -gt 0 ]; then
        echo
        echo "## Skewed column (generic-plan trap)"
        echo
        echo "Top 20 posts by views for status 'draft' (1%, rare) and 'published' (90%, common), each client"
        echo "having made 8 common-value calls first (so a generic plan, if PostgreSQL picks one, was chosen"
        echo "on common values); latency per call from pgbench -r, 1 client.  force_generic_plan shows the trap."
        echo
        echo "| mode | rare ms/call | rare calls/s | common ms/call | common calls/s |"
        echo "|------|-------------:|-------------:|---------------:|---------------:|"
        for row in "${SKEW_ROWS[@]}"; do
            IFS=$'\t' read -r label rare common <<<"$row"
            awk -v l="$label" -v r="$rare" -v c="$common" 'BEGIN {
                printf "| %s | %s | %s | %s | %s |\n", l, r, (r + 0 > 0 ? sprintf("%.0f", 1000 / r) : "n/a"), c, (c + 0 > 0 ? sprintf("%.0f", 1000 / c) : "n/a") }'
        done
    fi
    echo
    echo "## Memory"
    echo
    echo "| measure | value | target |"
    echo "|---------|------:|-------:|"
    echo "| find calls in one session | $MEM_CALLS | |"
    echo "| growth of pg_backend_memory_contexts total | ${MEM_CTX} MB | < ${MEM_TARGET_MB} MB |"
    echo "| growth of RssAnon | ${MEM_RSS} MB | < ${MEM_TARGET_MB} MB |"
    echo "| time | ${MEM_SECS} s | |"
    echo
    echo "![ratio ignis / hand-written](chart.png)"
} >"$MD"

# chart: ratio per op and client count, with the targets (bench/chart.sh)
if [ -s "$RESULTS_TSV" ] && command -v gnuplot >/dev/null 2>&1; then
    bash "$BENCH_DIR/chart.sh" "$RESULTS_TSV" "$RESULTS/chart.png" \
        "ignis / hand-written SQL throughput (scale $SCALE, $NPROC CPUs, $(date -u +%Y-%m-%d))" \
        >"$WORK/gnuplot.log" 2>&1 || { note "chart failed:"; sed 's/^/      /' "$WORK/gnuplot.log" | head -n 5; }
fi
cp "$MD" "$RESULTS/results-$STAMP.md"
cp "$RESULTS_TSV" "$RESULTS/results-$STAMP.tsv"

log "results"
cat "$MD" | sed -n '/^## ignis vs/,/^## Plan cache/p' | sed '$d'
echo "written: $MD, $RESULTS/chart.png (copy: results-$STAMP.md)"

log "verdicts"
v() { printf 'VERDICT %-60s %s\n' "$1" "$2"; }
IFS=$'\t' read -r st detail < <(verdict_ratio read "$READ_TARGET")
v "read ops: ignis/hand-written >= $READ_TARGET (1 and 8 clients)" "$st${detail:+ ($detail)}$( s=$(skipped_of read); [ -n "$s" ] && echo "; not timed: $s")"
IFS=$'\t' read -r st detail < <(verdict_ratio write "$WRITE_TARGET")
s=$(skipped_of write)
v "write ops: ignis/hand-written >= $WRITE_TARGET" "$st${detail:+ ($detail)}${s:+; not timed: $s}"
if [ -s "$SWEEP_TSV" ]; then
    for c in $SWEEP_CLIENTS; do
        v "20-row page: ignis/plain rows >= $ROWS20_TARGET ($c client$([ "$c" = 1 ] || echo s))" "$(awk -F'\t' -v c="$c" -v t="$ROWS20_TARGET" -v st="$ROWS20_STRETCH" '
            $1 == 20 && $3 == c { r = ($7 + 0 > 0 && $4 != "NaN") ? $4 / $7 : "NaN" }
            END { if (r == "" || r == "NaN") print "NO DATA"
                  else printf "%s (%.3f; stretch %s: %s)\n", (r >= t ? "MET" : "MISSED"), r, st, (r >= st ? "MET" : "MISSED") }' "$SWEEP_TSV")"
        v "result cost per row flat, 20 to 10,000 rows ($c client$([ "$c" = 1 ] || echo s))" "$(awk -F'\t' -v c="$c" -v t="$FLAT_TARGET" '
            $3 == c && ($1 == 20 || $1 == 100 || $1 == 1000 || $1 == 10000) && $4 != "NaN" && $4 + 0 > 0 {
                n[++k] = $1; l[k] = c * 1e6 / $4 }
            END {
                for (i = 2; i <= k; i++) { inc[i] = (l[i] - l[i - 1]) / (n[i] - n[i - 1]); if (n[i - 1] == 100 && n[i] == 1000) ref = inc[i] }
                if (k < 3 || ref == "" || ref <= 0) { print "NO DATA (needs the sizes 20, 100 and 1000)"; exit }
                ok = 1; d = ""
                for (i = 2; i <= k; i++) { q = inc[i] / ref; if (q > t) ok = 0
                    d = d sprintf("%s%d->%d: %.2f us/row (%.2fx)", (d ? ", " : ""), n[i - 1], n[i], inc[i], q) }
                printf "%s (incremental cost per row within %sx of the 100->1000 step: %s)\n", (ok ? "MET" : "MISSED"), t, d }' "$SWEEP_TSV")"
    done
fi
v "plan cache hit rate >= ${HIT_TARGET}% (steady state)" "$(awk -v h="$HIT_STEADY" -v t="$HIT_TARGET" 'BEGIN { if (h == "NaN" || h == "") print "NO DATA"; else if (h + 0 >= t) printf "MET (%s%%)\n", h; else printf "MISSED (%s%%)\n", h }')"
v "cached flat find >= ${CACHE_GAIN_TARGET}% faster than uncached" "$(awk -v g="$CACHE_GAIN" -v t="$CACHE_GAIN_TARGET" 'BEGIN { if (g == "NaN" || g == "") print "NO DATA"; else if (g + 0 >= t) printf "MET (+%s%%)\n", g; else printf "MISSED (%s%%)\n", g }')"
v "memory growth < ${MEM_TARGET_MB} MB over $MEM_CALLS find calls" "$(awk -v a="$MEM_CTX" -v b="$MEM_RSS" -v t="$MEM_TARGET_MB" 'BEGIN { if (a == "NaN") print "NO DATA"; else { m = (a + 0 > b + 0) ? a : b; printf "%s (contexts %s MB, RssAnon %s MB)\n", (m < t ? "MET" : "MISSED"), a, b } }')"
if [ ${#SKEW_ROWS[@]} -gt 0 ]; then
    IFS=$'\t' read -r _ rare_auto _ <<<"${SKEW_ROWS[0]}"
    IFS=$'\t' read -r _ rare_custom _ <<<"${SKEW_ROWS[1]}"
    IFS=$'\t' read -r _ rare_generic _ <<<"${SKEW_ROWS[2]}"
    v "skewed column: rare value under default plan_mode" "$(awk -v a="$rare_auto" -v c="$rare_custom" -v g="$rare_generic" 'BEGIN {
        if (a + 0 <= 0 || c + 0 <= 0) print "NO DATA"
        else if (a <= 2 * c) printf "HANDLED (%.2f ms/call; force_custom_plan %.2f, force_generic_plan %s)\n", a, c, g
        else printf "TRAPPED (%.2f ms/call vs %.2f with force_custom_plan: %.1fx slower)\n", a, c, a / c }')"
fi
# one verdict per strategy op (ignis against another way of its own to the
# same answer): the op's "verdict" and "target" headers
for file in "$BENCH_DIR"/ops/*.sql; do
    [ "$(kind_of "$file")" = strategy ] || continue
    op=$(basename "$file" .sql); op=${op#[0-9][0-9]_}
    t=$(header "$file" target); t=${t:-100}
    IFS=$'\t' read -r st detail < <(verdict_ratio strategy "$t" "$op")
    s=$(skipped_of strategy "$op")
    v "$(header "$file" verdict)" "${s:+SKIPPED (not implemented yet)}${s:-$st${detail:+ ($detail)}}"
done

echo
[ "$SMOKE" = 1 ] && echo "bench: smoke run: only the correctness check counts; timings at this scale mean nothing"
echo "bench: finished in $((SECONDS / 60))m$((SECONDS % 60))s"
if [ "$FAILED" -ne 0 ]; then
    echo "bench: FAILED: at least one ignis result differs from (or errors unlike) its hand-written SQL" >&2
    exit 1
fi
exit 0
