#!/usr/bin/env bash
# Static analysis of src/: prints every finding and exits non-zero when there
# is any.
#
#   bash scripts/static-analysis.sh            # all three steps
#   bash scripts/static-analysis.sh wextra cppcheck scan-build   # some of them
#
# Steps:
#   wextra      gcc -Wall -Wextra on every file (-Wno-unused-parameter: the
#               PostgreSQL headers' inline functions and fmgr/callback
#               signatures have parameters a body need not use)
#   cppcheck    cppcheck --enable=warning,portability,performance over src/
#               with the server headers; scripts/cppcheck-pg.h restates a few
#               PostgreSQL macros cppcheck misreads (one configuration of the
#               headers' #ifdefs: the one this machine builds)
#   scan-build  clang's static analyzer (Debian's clang-tools) over a build of
#               a copy of the tree
#
# Needs PostgreSQL 15's server headers (PG_CONFIG, default Debian's), gcc,
# cppcheck and clang-tools; as root it installs the missing ones.
# Last line: "static analysis: N findings".
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(wextra cppcheck scan-build)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FINDINGS=0

log() { printf '\n=== %s\n' "$*"; }

ensure_tools() {
    local pkgs=()
    command -v gcc >/dev/null 2>&1 || pkgs+=(gcc)
    command -v cppcheck >/dev/null 2>&1 || pkgs+=(cppcheck)
    command -v scan-build >/dev/null 2>&1 || pkgs+=(clang-tools)
    [ -f "$("$PG_CONFIG" --includedir-server 2>/dev/null)/postgres.h" ] ||
        pkgs+=(postgresql-server-dev-15)
    [ ${#pkgs[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing: ${pkgs[*]} (install them, or run as root)" >&2
        return 1
    fi
    log "installing ${pkgs[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}"
}

# count <step> <file with one finding a line>
count() {
    local n
    n=$(grep -c . "$2")
    if [ "$n" -gt 0 ]; then
        cat "$2"
    fi
    printf -- '--- %s: %d findings\n' "$1" "$n"
    FINDINGS=$((FINDINGS + n))
}

step_wextra() {
    log "gcc -Wall -Wextra"
    local inc f
    inc=$("$PG_CONFIG" --includedir-server)
    for f in src/*.c; do
        # compiled for real: -Wclobbered and friends need the optimizer
        gcc -std=gnu99 -c -o /dev/null -Wall -Wextra -Wno-unused-parameter \
            -Wmissing-prototypes -Wdeclaration-after-statement -fno-strict-aliasing \
            -fwrapv -O2 -fPIC -I src -I "$inc" "$f" 2>&1
    done | grep -E ': (warning|error):' >"$TMP/wextra"
    count wextra "$TMP/wextra"
}

step_cppcheck() {
    log "cppcheck"
    # missingIncludeSystem: the C library's headers are not given to
    # cppcheck (it knows the functions from its own library configuration);
    # toomanyconfigs: only one configuration of the headers is analysed, on
    # purpose (see above).
    cppcheck -j2 --max-configs=1 --std=c99 --enable=warning,portability,performance \
        --inline-suppr --include=scripts/cppcheck-pg.h \
        -I src -I "$("$PG_CONFIG" --includedir-server)" \
        --suppress=missingIncludeSystem --suppress=toomanyconfigs \
        --template='{file}:{line}: {severity} [{id}] {message}' -q src/ \
        2>"$TMP/cppcheck" >/dev/null
    count cppcheck "$TMP/cppcheck"
}

step_scan_build() {
    log "scan-build"
    # a copy of the tree, so that the analysed build leaves no objects behind
    mkdir -p "$TMP/tree"
    cp -r Makefile ignis.control src sql "$TMP/tree/"
    rm -f "$TMP"/tree/src/*.o "$TMP"/tree/src/*.bc
    # PGXS sets CC itself: pass scan-build's compiler wrapper explicitly;
    # with_llvm=no: no JIT bitcode, which is not analysed anyway
    (cd "$TMP/tree" && scan-build -o "$TMP/report" --status-bugs \
        sh -c 'make -j2 --no-print-directory PG_CONFIG="$0" CC="$CC" with_llvm=no' "$PG_CONFIG") \
        >"$TMP/scan-build.log" 2>&1
    local rc=$?
    grep -E ': warning: .*\[[a-zA-Z]+\.[a-zA-Z.]+\]$' "$TMP/scan-build.log" \
        | sed "s|$TMP/tree/||" >"$TMP/scan-build"
    if [ "$rc" -ne 0 ] && ! grep -q . "$TMP/scan-build"; then
        # the build itself failed
        tail -n 30 "$TMP/scan-build.log" >"$TMP/scan-build"
    fi
    count scan-build "$TMP/scan-build"
}

if ! ensure_tools; then
    echo "static analysis: could not install the tools"
    exit 2
fi
for s in "${STEPS[@]}"; do
    case $s in
        wextra) step_wextra ;;
        cppcheck) step_cppcheck ;;
        scan-build) step_scan_build ;;
        *) echo "unknown step: $s" >&2; exit 2 ;;
    esac
done
echo
echo "static analysis: $FINDINGS findings"
[ "$FINDINGS" -eq 0 ]
