# Shell helpers shared by scripts/test.sh and bench/run.sh (sourced).

# free_port [first]: a TCP port number that no socket uses, neither a unix
# socket (.s.PGSQL.<port>) nor a TCP listener, from <first> (default 54390) on
free_port() {
    local first=${1:-54390} p hex
    for p in $(seq "$first" $((first + 999))); do
        grep -q "\.s\.PGSQL\.$p\$" /proc/net/unix 2>/dev/null && continue
        hex=$(printf ':%04X ' "$p")
        grep -qi "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null && continue
        echo "$p"; return 0
    done
    return 1
}
