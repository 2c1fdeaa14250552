#!/usr/bin/env bash
# Platform scale: N generated products (bench/genproducts.sh; three shapes, 20 teams)
# rendered by one `floe render --all DIR -o OUTDIR` — wall time and peak RSS (wait4
# rusage of the process, what /usr/bin/time -v reports as "Maximum resident set size").
# For scale, M of those products rendered the way a CI loop would without --all: one
# `floe render` process per product, as many at a time as there are cores (xargs -P),
# against the same M products in one --all.
#
#   bench/batch.sh                        # N=1000 M=100, BATCH_RUNS=5 rounds
#   N=5000 BATCH_RUNS=3 bench/batch.sh
source "$(dirname "$0")/lib.sh"

N=${N:-1000}
M=${M:-100}
BATCH_RUNS=${BATCH_RUNS:-5}
TAG=0123456789abcdef0123456789abcdef01234567

floe=$(floe_bin)
timeit=$(timeit_bin)
"$REPO/bench/genproducts.sh" "$WORK/batch-big" "$N"
"$REPO/bench/genproducts.sh" "$WORK/batch-small" "$M"

all() { echo "$floe render --all $1/products --root $1 --contract platform/contract.yaml --image-tag $TAG -o $WORK/out-$(basename "$1")"; }
each="cd $WORK/batch-small && find products -name floe.yaml | sort | xargs -P $(nproc) -n 1 $floe render --root . --contract platform/contract.yaml --image-tag $TAG > /dev/null"

# It must work before it is timed: every product rendered, four objects each.
sh -c "$(all "$WORK/batch-big")" 2>/dev/null
files=$(find "$WORK/out-batch-big" -name '*.yaml' | wc -l)
[[ $files -eq $((N * 4)) ]] || { echo "batch wrote $files files, want $((N * 4))" >&2; exit 1; }

"$timeit" -n "$BATCH_RUNS" -title "#### $N products in one \`floe render --all\`" ${TSV:+-tsv "$TSV"} \
  "floe render --all ($N products, -o DIR)::$(all "$WORK/batch-big")"
echo
"$timeit" -n "$BATCH_RUNS" -title "#### $M products: one --all against one process per product" ${TSV:+-tsv "$TSV"} \
  "floe render --all ($M products)::$(all "$WORK/batch-small")" \
  "floe render × $M (xargs -P $(nproc))::$each"
echo
echo "Machine: $(machine)."
