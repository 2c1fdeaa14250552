#!/usr/bin/env bash
# Every side-by-side benchmark in one run, on whatever machine runs it (`make bench`),
# as markdown on stdout: a summary against the targets, then each table.
#
#   a. one product: floe render vs helm template → kustomize build → conftest test
#      (bench/peers.sh)
#   b. post-render: floe vs the yaml.v3 floor vs a kustomize wrapper
#      (bench/postrender/: BenchmarkCompare in process, whole-process.sh as processes)
#   c. policy over 5,000 objects: floe check vs conftest (bench/policy.sh)
#   d. 1,000 products in one floe render --all: wall time and peak RSS (bench/batch.sh)
#   e. start-up of a fresh process (bench/startup.sh)
#
# Every figure is a median of alternating runs; the load average is printed with each
# table. On a shared machine run it when the load is below the core count, and read
# the CPU column (user+sys) as well as the wall one. Knobs: RUNS (21), BATCH_RUNS (5),
# N (1000 products), POLICY_RUNS (5), FLOE_BENCH_CACHE (peer tools, built once).
source "$(dirname "$0")/lib.sh"

export WORK TSV=$WORK/results.tsv
: > "$TSV"
floe_bin > /dev/null
export FLOE=$WORK/floe
# Peer tools first, so their (first, slow) builds do not overlap any measurement.
peer_tool helm > /dev/null
peer_tool kustomize > /dev/null
peer_tool conftest > /dev/null

echo "running bench/peers.sh..." >&2
"$REPO/bench/peers.sh" > "$WORK/a.md"
echo "running bench/postrender..." >&2
(cd "$REPO" && go test -run '^$' -bench Compare -benchtime 1x ./bench/postrender/) > "$WORK/b.txt" 2>&1 || {
  cat "$WORK/b.txt" >&2; exit 1; }
RUNS=${POSTRENDER_RUNS:-11} bash "$REPO/bench/postrender/whole-process.sh" > "$WORK/b2.md" 2> "$WORK/b2.err" || {
  cat "$WORK/b2.err" >&2; exit 1; }
echo "running bench/policy.sh..." >&2
RUNS=${POLICY_RUNS:-5} bash "$REPO/bench/policy.sh" > "$WORK/c.txt" 2> "$WORK/c.err" || { cat "$WORK/c.err" >&2; exit 1; }
echo "running bench/batch.sh..." >&2
"$REPO/bench/batch.sh" > "$WORK/d.md"
echo "running bench/startup.sh..." >&2
"$REPO/bench/startup.sh" > "$WORK/e.md"

# ---- summary against the targets ----
get() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l {v = $c} END {printf "%.1f", v}' "$TSV"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a <= b) ? "yes" : "**no**"}'; }

floe1=$(get "floe render" 2)
peer1=$(get "helm template → kustomize build → conftest test" 2)
helm1=$(get "helm template (helm create chart)" 2)
n=${N:-1000}
batch=$(get "floe render --all ($n products, -o DIR)" 2)
batch_rss=$(get "floe render --all ($n products, -o DIR)" 4)
pol_floe=$(awk '/^  floe check/ {print $3}' "$WORK/c.txt")
pol_conf=$(awk '/^  conftest test --combine/ {print $4}' "$WORK/c.txt")
pol_doc=$(awk '/^  conftest test  / {print $3}' "$WORK/c.txt")
r1=$(ratio "$floe1" "$peer1")
rp=$(ratio "$pol_conf" "$pol_floe")
# metric MODE NAME: a metric of BenchmarkCompare/MODE (gc or nogc).
metric() { awk -v b="BenchmarkCompare/$1-" -v m="$2" 'index($1, b) == 1 {for (i = 2; i <= NF; i++) if ($(i + 1) == m) v = $i} END {printf "%.2f", v}' "$WORK/b.txt"; }
pr_floor=$(metric gc floe+gate/floor)
pr_floor0=$(metric nogc floe+gate/floor)
pr_kust=$(metric gc floe+gate/kustomize)
pr=$(get "floe post-render (gate included)" 2)
pr_f=$(get "floor (yaml.v3 decode+encode)" 2)
pr_f0=$(get "floor without GC (GOGC=off)" 2)
pr_k=$(get "kustomize build (JSON 6902 env patches)" 2)

echo "### floe performance — $(date -u +%Y-%m-%d), $(machine)"
echo
echo "| target | measured | met |"
echo "|---|---|---|"
echo "| one product ≤ 0.2× the peer pipeline (helm template → kustomize build → conftest) | floe render ${floe1} ms vs ${peer1} ms = ${r1}× | $(le "$r1" 0.2) |"
echo "| one product no slower than a bare \`helm template\` of a small chart | ${floe1} ms vs ${helm1} ms | $(le "$floe1" "$helm1") |"
echo "| $n products ≤ 10 s wall on 2 cores | $(awk -v t="$batch" 'BEGIN {printf "%.2f s", t / 1000}') on $(nproc) cores | $(le "$batch" 10000) |"
echo "| $n products peak RSS ≤ 300 MB | ${batch_rss} MB | $(le "$batch_rss" 300) |"
echo "| post-render (gate included) ≤ 2× the yaml.v3 floor | in process: ${pr_floor}× (collector on), ${pr_floor0}× (held back); processes: ${pr} ms vs ${pr_f} ms = $(ratio "$pr" "$pr_f")×, vs ${pr_f0} ms without GC = $(ratio "$pr" "$pr_f0")× | in process $(le "$pr_floor" 2), $(le "$pr_floor0" 2); processes $(le "$(ratio "$pr" "$pr_f")" 2), $(le "$(ratio "$pr" "$pr_f0")" 2) |"
echo "| post-render ≤ 1/3 of the kustomize wrapper | in process: ${pr_kust}×; processes: $(ratio "$pr" "$pr_k")× | $(le "$pr_kust" 0.3334); $(le "$(ratio "$pr" "$pr_k")" 0.3334) |"
echo "| policy over 5,000 objects ≥ 5× faster than conftest | floe check ${pol_floe} s vs conftest --combine ${pol_conf} s = ${rp}× faster (per-document conftest: ${pol_doc} s) | $(le 5 "$rp") |"
echo
cat "$WORK/a.md"
echo
echo "#### Post-render (bench/postrender, helper benchmark)"
echo
echo '```'
grep -E '^(goos|cpu|Benchmark)' "$WORK/b.txt"
echo '```'
echo
cat "$WORK/b2.md"
echo
echo "#### Policy gate over 5,000 objects (bench/policy.sh)"
echo
echo '```'
cat "$WORK/c.txt"
echo '```'
echo
cat "$WORK/d.md"
echo
cat "$WORK/e.md"
