#!/usr/bin/env bash
# The ignis demo: install what is missing (scripts/setup.sh), build and install the extension,
# start a throwaway PostgreSQL 15 cluster (Debian's pg_virtualenv), load the
# sample data of docs/sample.sql and run a handful of ignis calls.
#
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
export PG_CONFIG=$PGBIN/pg_config
[ -n "${LC_ALL:-}${LANG:-}" ] || export LANG=C.UTF-8

if [ "${1:-}" = "--in-cluster" ]; then
    createdb ignis_demo
    psql -X -q -d ignis_demo -v ON_ERROR_STOP=1 -f docs/sample.sql >/dev/null
    exec psql -X -d ignis_demo -v ON_ERROR_STOP=1 -f docs/demo.sql
fi

bash scripts/setup.sh
SUDO=()
[ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && SUDO=(sudo); }

echo "=== build and install"
make -j2 --no-print-directory >/dev/null
"${SUDO[@]}" make --no-print-directory install >/dev/null

echo "=== throwaway cluster, sample data, and ignis at work"
pg_virtualenv -t -v "$PG_MAJOR" bash "$(pwd)/scripts/demo.sh" --in-cluster
