#!/usr/bin/env bash
# bench/vs-ignis/run.sh - the Node side of `make bench-vs-ignis`: installs the
# harness' packages (npm ci, from package-lock.json) when missing and runs
# src/main.ts with tsx against the server of PGHOST/PGPORT/PGDATABASE, where
# bench/run.sh has loaded the dataset and registered the models.  Then draws
# the chart.  Normally started by `bash bench/run.sh --vs-ignis [--smoke]`.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RESULTS=${VS_RESULTS:-$HERE/../results}
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    { echo "vs-ignis: node and npm are needed (Node 20: apt-get install nodejs npm, or nodesource)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "vs-ignis: Node >= 20 needed (found $(node --version))" >&2; exit 1; }
if [ ! -x "$HERE/node_modules/.bin/tsx" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
    echo "vs-ignis: npm ci"
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || { echo "vs-ignis: npm ci failed" >&2; exit 1; }
fi

# Ignis' logger writes its files into APP_ENV_LOGGER_FOLDER_PATH
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/vs-ignis.XXXXXX")
trap 'rm -rf "$LOGDIR"' EXIT
cd "$HERE" && APP_ENV_LOGGER_FOLDER_PATH=$LOGDIR VS_RESULTS=$RESULTS "$HERE/node_modules/.bin/tsx" src/main.ts
rc=$?

# chart: ratio per op and client count with the targets (bench/chart.sh,
# which reads op, kind, title, clients, tps, tps, ratio)
if [ -s "$RESULTS/vs-ignis.tsv" ] && command -v gnuplot >/dev/null 2>&1; then
    awk -F'\t' -v OFS='\t' '{ print $1, $2, $1, $3, $4, $5, $6 }' "$RESULTS/vs-ignis.tsv" >"$LOGDIR/chart.tsv"
    CHART_YLABEL='ignis ops/s / Ignis ops/s (1.0 = as fast)' \
    CHART_LINES='1:as fast;1.5:writes 1.5x;2:pages, by id 2x;3:includes 3x' \
        bash "$HERE/../chart.sh" "$LOGDIR/chart.tsv" "$RESULTS/vs-ignis.png" \
        "ignis / Ignis 0.0.7 on Node: same operations, same pool size ($(date -u +%Y-%m-%d))" >"$LOGDIR/chart.log" 2>&1 &&
        echo "vs-ignis: chart: $RESULTS/vs-ignis.png" || { echo "vs-ignis: chart failed:"; head -n 5 "$LOGDIR/chart.log"; }
fi
exit $rc
