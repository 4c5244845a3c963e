#!/usr/bin/env bash
# The one setup step of ignis: installs what building and testing need, and
# only what is missing. scripts/demo.sh, scripts/test.sh and bench/run.sh call it.
#
#   bash scripts/setup.sh              PostgreSQL 15 server, its headers and PGXS
#                                      (postgresql-server-dev-15), contrib, a C
#                                      toolchain, IPC::Run (TAP tests), python3
#   bash scripts/setup.sh --node       also Node.js and npm (examples/node)
#   bash scripts/setup.sh --bench      also gnuplot (the benchmark's chart)
#   bash scripts/setup.sh --pg18       also PostgreSQL 18.3 with assertions, built
#                                      from ../shared/vendor/postgresql-18.3.tar.gz
#                                      (needs bison and flex) into a cache outside
#                                      the clone; prints nothing new when built already
#   bash scripts/setup.sh --pg18-tools only the packages that build needs
#   bash scripts/setup.sh --dry-run    print the missing packages, install nothing
#                                      (exit status 0: nothing missing, 1: some)
#   bash scripts/setup.sh --root DIR   look for the files under DIR instead of /
#                                      (with --dry-run: tests the detection itself)
#   bash scripts/setup.sh --pg18-config  print the pg_config of the PostgreSQL 18
#                                      build (exit status 1 when it is not built)
#
# apt-get runs only when a package is missing (as root, or through sudo), so
# a second run, or a run on a machine that has everything, changes nothing.
#
# Environment: IGNIS_PG18_PREFIX (default /var/cache/ignis/pg-18.3-assert as
# root, ${XDG_CACHE_HOME:-~/.cache}/ignis/pg-18.3-assert otherwise),
# IGNIS_PG18_TARBALL (default ../shared/vendor/postgresql-18.3.tar.gz).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
R=/              # the filesystem root the detection looks at
DRY=0 NODE=0 BENCH=0 PG18=0 PRINT18=0
while [ $# -gt 0 ]; do
    case "$1" in
        --node) NODE=1 ;;
        --bench) BENCH=1 ;;
        --pg18) PG18=1 ;;
        --pg18-tools) PG18=2 ;;
        --dry-run) DRY=1 ;;
        --root) shift; R=${1:?--root needs a directory} ;;
        --pg18-config) PRINT18=1 ;;
        -h|--help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
R=${R%/}

# ---------------------------------------------------------------------------
# PostgreSQL 18.3 with assertions: where it goes and what it is built with
# ---------------------------------------------------------------------------
PG18_VERSION=18.3
# shared/ lies beside the clone (../shared), or beside a worktree's folder
PG18_TARBALL=${IGNIS_PG18_TARBALL:-}
if [ -z "$PG18_TARBALL" ]; then
    for d in "$ROOT/../shared" "$ROOT/../../shared"; do
        PG18_TARBALL=$d/vendor/postgresql-$PG18_VERSION.tar.gz
        [ -f "$PG18_TARBALL" ] && break
    done
fi
if [ -n "${IGNIS_PG18_PREFIX:-}" ]; then
    PG18_PREFIX=$IGNIS_PG18_PREFIX
elif [ "$(id -u)" -eq 0 ]; then
    PG18_PREFIX=/var/cache/ignis/pg-$PG18_VERSION-assert
else
    PG18_PREFIX=${XDG_CACHE_HOME:-$HOME/.cache}/ignis/pg-$PG18_VERSION-assert
fi
PG18_CONFIGURE=(--enable-cassert --enable-debug --enable-tap-tests
                --without-icu --without-readline --without-zlib)
PG18_CONTRIB=(citext)      # contrib modules the suites use
PG18_STAMP=$PG18_PREFIX/.ignis-build
pg18_stamp_text() {
    printf 'postgresql %s\nconfigure %s\ncontrib %s\n' \
        "$PG18_VERSION" "${PG18_CONFIGURE[*]}" "${PG18_CONTRIB[*]}"
}
pg18_built() {
    [ -x "$PG18_PREFIX/bin/postgres" ] && [ -x "$PG18_PREFIX/bin/pg_config" ] &&
        [ -f "$PG18_STAMP" ] && [ "$(cat "$PG18_STAMP")" = "$(pg18_stamp_text)" ]
}
if [ "$PRINT18" = 1 ]; then
    pg18_built || exit 1
    echo "$PG18_PREFIX/bin/pg_config"
    exit 0
fi

# ---------------------------------------------------------------------------
# Detection: a package is missing when a file it provides is absent.
# ---------------------------------------------------------------------------
has_file() { [ -e "$R$1" ]; }
has_cmd() {   # on the real root, anything on PATH counts (pyenv, nodesource…)
    if [ -z "$R" ]; then
        command -v "$1" >/dev/null 2>&1
    else
        [ -x "$R/usr/bin/$1" ] || [ -x "$R/bin/$1" ] || [ -x "$R/usr/local/bin/$1" ]
    fi
}

PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
MISSING=()
need() { MISSING+=("$1"); }
{ has_file "$PGBIN/postgres" && has_file "$PGBIN/initdb" && has_file "$PGBIN/pg_ctl"; } ||
    need "postgresql-$PG_MAJOR"
{ has_file /usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/makefiles/pgxs.mk &&
  has_file /usr/include/postgresql/$PG_MAJOR/server/postgres.h; } ||
    need "postgresql-server-dev-$PG_MAJOR"
{ has_file /usr/share/postgresql/$PG_MAJOR/extension/citext.control && has_file "$PGBIN/pgbench"; } ||
    need postgresql-contrib
has_file /usr/bin/pg_virtualenv || need postgresql-common
has_file /usr/share/perl5/IPC/Run.pm || need libipc-run-perl
has_cmd make || need make
has_cmd gcc || need gcc
has_cmd python3 || need python3
if [ "$NODE" = 1 ]; then
    has_cmd node || need nodejs
    has_cmd npm || need npm
fi
[ "$BENCH" = 1 ] && { has_cmd gnuplot || need gnuplot-nox; }
if [ "$PG18" != 0 ] && ! pg18_built; then
    has_cmd bison || need bison
    has_cmd flex || need flex
    has_cmd perl || need perl
fi
# a package that two checks asked for is installed once
mapfile -t MISSING < <(printf '%s\n' "${MISSING[@]}" | awk 'NF && !seen[$0]++')

if [ "$DRY" = 1 ]; then
    if [ ${#MISSING[@]} -eq 0 ]; then
        echo "setup: nothing missing"
        exit 0
    fi
    echo "setup: missing: ${MISSING[*]}"
    exit 1
fi
if [ -n "$R" ]; then
    echo "setup.sh: --root is for --dry-run only" >&2
    exit 2
fi

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo); fi

if [ ${#MISSING[@]} -gt 0 ]; then
    echo "=== setup: installing ${MISSING[*]}"
    "${SUDO[@]}" apt-get update -qq || exit 1
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
        "${MISSING[@]}" >/dev/null || { echo "setup: apt-get install failed" >&2; exit 1; }
else
    echo "=== setup: nothing to install"
fi

# ---------------------------------------------------------------------------
# PostgreSQL 18 with assertions, built once and kept in the cache prefix
# ---------------------------------------------------------------------------
build_pg18() {
    if pg18_built; then
        echo "=== setup: PostgreSQL $PG18_VERSION (assertions) already built in $PG18_PREFIX"
        return 0
    fi
    if [ ! -f "$PG18_TARBALL" ]; then
        echo "setup: $PG18_TARBALL not found" >&2
        return 1
    fi
    echo "=== setup: building PostgreSQL $PG18_VERSION with assertions into $PG18_PREFIX (some minutes)"
    local build log t0=$SECONDS
    build=$(mktemp -d "${TMPDIR:-/var/tmp}/ignis-pg18.XXXXXX") || return 1
    log=$build/build.log
    rm -rf "$PG18_PREFIX"
    mkdir -p "$(dirname "$PG18_PREFIX")" || return 1
    if ! (cd "$build" && tar xzf "$PG18_TARBALL" && cd "postgresql-$PG18_VERSION" &&
          ./configure --prefix="$PG18_PREFIX" "${PG18_CONFIGURE[@]}" &&
          make -j2 && make install &&
          for c in "${PG18_CONTRIB[@]}"; do make -C "contrib/$c" install || exit 1; done
         ) >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "setup: the PostgreSQL $PG18_VERSION build failed (log: $log)" >&2
        return 1
    fi
    pg18_stamp_text >"$PG18_STAMP"
    chmod -R a+rX "$PG18_PREFIX"
    rm -rf "$build"
    echo "=== setup: PostgreSQL $PG18_VERSION built in $((SECONDS - t0)) s"
}
if [ "$PG18" = 1 ]; then
    build_pg18 || exit 1
fi
exit 0
