#!/usr/bin/env bash
# bench/chart.sh - bar chart (PNG) of ignis / hand-written ratios.
#
#   bash bench/chart.sh <results.tsv> <out.png> [title]
#
# The TSV is the one run.sh writes next to each timestamped results file:
# op, kind, title, clients, ignis tps, hand-written tps, ratio.  Read and
# write ops are drawn, one bar per client count, with the read (0.95) and
# write (0.90) targets as horizontal lines; strategy ops (another target) and the size sweep
# are left out.  CHART_YLABEL and CHART_LINES ("value:title;value:title",
# horizontal lines) change the axis label and the target lines
# (bench/vs-ignis/run.sh draws ignis / Ignis with them).
set -euo pipefail
tsv=$1 out=$2 title=${3:-ignis / hand-written SQL throughput}
command -v gnuplot >/dev/null 2>&1 || { echo "chart: gnuplot not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

clients=$(awk -F'\t' '$2 != "strategy" && $2 != "sweep" && !seen[$4]++ { print $4 }' "$tsv" | sort -n | tr '\n' ' ')
[ -n "$clients" ] || { echo "chart: no data in $tsv" >&2; exit 1; }
awk -F'\t' -v cl="$clients" 'BEGIN { n = split(cl, cs, " ") }
    $2 == "strategy" || $2 == "sweep" { next }
    { if (!($1 in ord)) { ord[$1] = ++k; name[k] = $1 }; v[$1, $4] = $7 }
    END { for (i = 1; i <= k; i++) { line = name[i]
              for (j = 1; j <= n; j++) line = line "\t" (((name[i], cs[j]) in v) ? v[name[i], cs[j]] : "NaN")
              print line } }' "$tsv" >"$tmp/chart.dat"
lines=${CHART_LINES:-0.95:read target 0.95;0.90:write target 0.90}
ymax=$(awk -F'\t' -v lines="$lines" '{ for (i = 2; i <= NF; i++) if ($i != "NaN" && $i + 0 > m) m = $i + 0 } END { n = split(lines, ls, ";"); for (i = 1; i <= n; i++) { split(ls[i], p, ":"); if (p[1] + 0 > m) m = p[1] + 0 }
          m *= 1.1; print (m < 1.2 ? 1.2 : m) }' "$tmp/chart.dat")

plot=""
i=2
for c in $clients; do
    plot+="${plot:+, }'$tmp/chart.dat' using $i:xtic(1) title '$c client$([ "$c" = 1 ] || echo s)'"
    i=$((i + 1))
done
colors=("#cc0000" "#333333" "#0066cc" "#009933")
k=0
IFS=';' read -ra specs <<<"$lines"
for spec in "${specs[@]}"; do
    plot+=", ${spec%%:*} with lines dt $((k + 2)) lw 2 lc rgb '${colors[$((k % 4))]}' title '${spec#*:}'"
    k=$((k + 1))
done
term="pngcairo size 1000,520 font 'sans,10'"
gnuplot -e "set terminal pngcairo" >/dev/null 2>&1 || term="png size 1000,520"
gnuplot <<EOF
set terminal $term noenhanced
set output '$out'
set title '$title'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set datafile separator "\t"
set datafile missing "NaN"
set yrange [0:$ymax]
set ylabel '${CHART_YLABEL:-ignis tps / hand-written tps (1.0 = as fast)}'
set xtics rotate by -30 nomirror
set key top right
set grid ytics
plot $plot
EOF
