#!/usr/bin/env bash
# What scripts/setup.sh finds missing, on the three machines a newcomer may
# start from: nothing of PostgreSQL, only the server, everything. Each state
# is a fake root holding exactly the files of its Debian packages (from the
# package lists dpkg keeps for this machine, so the packages must be
# installed here: scripts/setup.sh runs before this test), and
# `setup.sh --dry-run --root DIR` must name exactly the missing packages.
# Then the real machine: after setup nothing is missing, and a second run of
# setup.sh does not call apt-get at all.
#
# Prints TAP lines ("ok N - …"); exit status 1 when one failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SETUP=$ROOT/scripts/setup.sh
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ignis-setup-test.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

n=0 failed=0
check() {  # check <name> <expected> <got>
    n=$((n + 1))
    if [ "$2" = "$3" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        echo "#   expected: $2"
        echo "#   got:      $3"
        failed=$((failed + 1))
    fi
}

# fake_root <dir> <package>...: every file and symlink of the packages, as
# empty executable files (the detection looks at paths only)
fake_root() {
    local dir=$1; shift
    mkdir -p "$dir"
    dpkg-query -L "$@" 2>/dev/null | while read -r f; do
        [ -n "$f" ] && [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"
    done | sed "s|^|$dir|" | xargs -r -d '\n' dirname | sort -u | xargs -r -d '\n' mkdir -p
    dpkg-query -L "$@" 2>/dev/null | while read -r f; do
        [ -n "$f" ] && [ -e "$f" ] && [ ! -d "$f" ] && echo "$dir$f"
    done | xargs -r -d '\n' touch
    chmod -R a+x "$dir"
}

dry() {  # dry <root> [args...] -> the packages setup.sh would install
    bash "$SETUP" --dry-run --root "$@" | sed -e 's/^setup: missing: //' -e 's/^setup: nothing missing$/-/'
}

for p in postgresql-15 postgresql-client-15 postgresql-common postgresql-server-dev-15 \
         libipc-run-perl make gcc python3-minimal; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        echo "not ok 1 - package $p is installed (run scripts/setup.sh first)"
        exit 1
    fi
done

TOOLS=(make gcc python3-minimal perl-base)
SERVER=(postgresql-15 postgresql-client-15 postgresql-common)

# 1. nothing of PostgreSQL: a machine with its C toolchain only, and a bare one
fake_root "$WORK/toolchain" "${TOOLS[@]}"
check "toolchain only: the server, its headers, contrib, pg_virtualenv and IPC::Run are missing" \
    "postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common libipc-run-perl" \
    "$(dry "$WORK/toolchain")"
mkdir -p "$WORK/bare"
check "bare machine: everything is missing" \
    "postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common libipc-run-perl make gcc python3" \
    "$(dry "$WORK/bare")"
check "bare machine, with the Node.js example: nodejs and npm too" \
    "postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common libipc-run-perl make gcc python3 nodejs npm" \
    "$(dry "$WORK/bare" --node)"

# 2. only the server (postgresql-15 and what it depends on), as the issue
#    found it: the headers and PGXS are missing, which demo.sh used to miss
fake_root "$WORK/server" "${TOOLS[@]}" "${SERVER[@]}"
check "only the server: its headers and PGXS (postgresql-server-dev-15) and IPC::Run are missing" \
    "postgresql-server-dev-15 libipc-run-perl" \
    "$(dry "$WORK/server")"

# 3. everything
fake_root "$WORK/all" "${TOOLS[@]}" "${SERVER[@]}" postgresql-server-dev-15 libipc-run-perl
check "everything installed: nothing is missing" "-" "$(dry "$WORK/all")"
mkdir -p "$WORK/all/usr/bin" && touch "$WORK/all/usr/bin/bison" && chmod +x "$WORK/all/usr/bin/bison"
check "the PostgreSQL 18 build needs flex besides bison" "flex" \
    "$(IGNIS_PG18_PREFIX=$WORK/none dry "$WORK/all" --pg18)"

# the real machine, after scripts/setup.sh: nothing missing, and a second run
# changes nothing (an apt-get that fails on any call stands first on PATH)
check "this machine after setup: nothing is missing" "setup: nothing missing" \
    "$(bash "$SETUP" --dry-run)"
mkdir -p "$WORK/bin"
printf '#!/bin/sh\necho "apt-get called: $*" >&2\nexit 1\n' >"$WORK/bin/apt-get"
chmod +x "$WORK/bin/apt-get"
cp "$WORK/bin/apt-get" "$WORK/bin/sudo"
out=$(PATH=$WORK/bin:$PATH bash "$SETUP" 2>&1); rc=$?
check "a second run of setup.sh installs nothing and succeeds" "0 === setup: nothing to install" "$rc $out"

[ "$failed" -eq 0 ]
