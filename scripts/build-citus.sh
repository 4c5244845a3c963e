#!/usr/bin/env bash
# Build and install Citus from the vendored source tarball into the PostgreSQL
# that PG_CONFIG names, for the Citus TAP test (test/t/021_citus.pl).
#
#   PG_CONFIG=/path/to/pg_config bash scripts/build-citus.sh [TARBALL]
#
# TARBALL defaults to $CITUS_TARBALL, else ../shared/vendor/citus-13.2.2.tar.gz
# beside the clone (or beside a worktree's folder).
# Idempotent: when citus.so of this version is already installed for that
# PostgreSQL, nothing is rebuilt. Citus 13.2 supports PostgreSQL 15 to 17; for
# any other major version the script says so and exits 0 without installing
# (the TAP test then skips).
#
# Build dependencies (Debian): libkrb5-dev, liblz4-dev, libzstd-dev. libcurl
# is not needed: Citus is configured --without-libcurl (it only serves
# Citus' usage statistics).
#
# Debian's PostgreSQL 15 headers from 15.18 on declare
# have_createdb_privilege() in commands/dbcommands.h; Citus' compatibility
# header defines its own static inline copy for PostgreSQL 15, which then
# clashes. The copy is removed before building when the server headers
# declare the function.
#
# No LLVM bitcode is built (with_llvm=no): it only serves JIT inlining and
# would double the build time.
#
# Exit status: 0 when Citus is installed (or the PostgreSQL version is not
# supported), 1 when the build failed.
set -euo pipefail

CITUS_VERSION=13.2.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=${1:-${CITUS_TARBALL:-}}
if [ -z "$TARBALL" ]; then
    # shared/ lies beside the clone (../shared), or beside a worktree's folder
    for d in "$ROOT/../shared" "$ROOT/../../shared"; do
        TARBALL=$d/vendor/citus-$CITUS_VERSION.tar.gz
        [ -f "$TARBALL" ] && break
    done
fi
PG_CONFIG=${PG_CONFIG:-pg_config}

say() { printf 'build-citus: %s\n' "$*"; }

if [ ! -f "$TARBALL" ]; then
    say "no tarball at $TARBALL; Citus not built"
    exit 0
fi

pg_num=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
case "$pg_num" in
    15|16|17) ;;
    *) say "PostgreSQL $pg_num is not supported by Citus $CITUS_VERSION (15-17); not built"
       exit 0 ;;
esac

pkglibdir=$("$PG_CONFIG" --pkglibdir)
sharedir=$("$PG_CONFIG" --sharedir)
if [ -f "$pkglibdir/citus.so" ] && [ -f "$sharedir/extension/citus.control" ] &&
   grep -aq "Citus $CITUS_VERSION " "$pkglibdir/citus.so"; then
    say "Citus $CITUS_VERSION already installed for PostgreSQL $pg_num ($pkglibdir)"
    exit 0
fi

# Debian packages the build needs (root installs them; others must have them)
missing=()
for p in libkrb5-dev liblz4-dev libzstd-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    say "installing ${missing[*]}"
    "${sudo[@]}" apt-get install -y "${missing[@]}" >/dev/null ||
        { "${sudo[@]}" apt-get update >/dev/null &&
          DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${missing[@]}" >/dev/null; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/citus-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$TARBALL" -C "$work"
src=$work/citus-$CITUS_VERSION

if grep -q 'have_createdb_privilege' \
        "$("$PG_CONFIG" --includedir-server)/commands/dbcommands.h" 2>/dev/null; then
    # delete Citus' own static inline definition (signature line to closing brace)
    perl -0pi -e 's/static inline bool\s*\nhave_createdb_privilege\(void\)\s*\n\{.*?\n\}\n//s' \
        "$src/src/include/pg_version_compat.h"
fi

say "building Citus $CITUS_VERSION for PostgreSQL $pg_num (log: $work/build.log)"
if ! ( cd "$src" &&
       ./configure --without-libcurl PG_CONFIG="$PG_CONFIG" &&
       make -j2 with_llvm=no &&
       make install-extension with_llvm=no ) >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log"
    say "build failed"
    exit 1
fi
say "installed into $pkglibdir"
