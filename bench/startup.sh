#!/usr/bin/env bash
# Start-up cost of a fresh floe process: package initialization (GODEBUG=inittrace=1,
# summed over every package, and the five most expensive), the in-process phases of a
# first render (bench/phases: policy compile, charts, first and second render, in CPU
# time), and whole-process medians of `floe version` and `floe render` of the demo —
# also with GOGC=100, i.e. without internal/gcdefer holding the first collection back.
source "$(dirname "$0")/lib.sh"

TAG=0123456789abcdef0123456789abcdef01234567
floe=$(floe_bin)
timeit=$(timeit_bin)
render="$floe render --root $REPO/examples/demo --contract platform/pec-dev.yaml --image-tag $TAG $REPO/examples/demo/demo/customer-360"

echo "#### Start-up of a fresh process"
echo
echo "Package initialization (\`GODEBUG=inittrace=1 floe version\`, median of 11):"
echo
for _ in $(seq 11); do
  GODEBUG=inittrace=1 "$floe" version 2>&1 >/dev/null | awk '/^init /{t+=$5; a+=$8; n++} END {printf "%.1f %d %.1f\n", t, n, a/1e6}'
done | sort -n | awk '{a[NR]=$0} END {split(a[6], f, " "); printf "- %s ms in %d package initializers, %s MB allocated\n", f[1], f[2], f[3]}'
for _ in $(seq 11); do GODEBUG=inittrace=1 "$floe" version 2>&1 >/dev/null | awk '/^init /{print $2, $5}'; done |
  sort -k1,1 -k2,2n | awk '{v[$1] = v[$1] " " $2; n[$1]++}
    END {for (p in v) {split(substr(v[p], 2), a, " "); printf "%s %s\n", p, a[int((n[p] + 1) / 2)]}}' |
  sort -k2 -nr | head -5 | awk '{printf "- %s: %s ms (median)\n", $1, $2}'
echo
echo "In-process phases of a first render (\`go run ./bench/phases\`):"
echo
(cd "$REPO" && go build -o "$WORK/phases" ./bench/phases && cd "$REPO" && "$WORK/phases") | sed 's/^/- /'
echo
"$timeit" -n "$RUNS" ${TSV:+-tsv "$TSV"} \
  "floe version::$floe version" \
  "floe version (GOGC=100)::GOGC=100 $floe version" \
  "floe render (demo customer-360)::$render" \
  "floe render (GOGC=100)::GOGC=100 $render"
echo
echo "Machine: $(machine)."
