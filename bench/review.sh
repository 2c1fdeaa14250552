#!/usr/bin/env bash
# Monorepo review: N generated products (bench/genproducts.sh) committed in a git
# repository, then one `floe diff --all products --base HEAD` per case, timed as whole
# processes (bench/timeit: alternating rounds, medians, peak RSS):
#   - after a contract change (the image registry): every product's read set changes,
#     all N are rendered on both sides (2N renders) and reported;
#   - after a change no product reads (a README): every read set is probed at the base
#     and answered alike by the work tree, nothing is rendered.
# Targets: < 10 s and < 2 s for N = 500 on the 2-core development machine.
#
#   bench/review.sh                    # N=500, REVIEW_RUNS=3
#   N=200 REVIEW_RUNS=5 bench/review.sh
source "$(dirname "$0")/lib.sh"

N=${N:-500}
REVIEW_RUNS=${REVIEW_RUNS:-3}
TAG=0123456789abcdef0123456789abcdef01234567

floe=$(floe_bin)
timeit=$(timeit_bin)
g() { git -C "$1" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "${@:2}"; }
make_repo() { # make_repo DIR: the generated tree, committed
  "$REPO/bench/genproducts.sh" "$1" "$N"
  g "$1" init -q -b main && g "$1" add -A && g "$1" commit -q -m products
}
make_repo "$WORK/contract"
sed -i 's#artifactRegistry: registry.example.com/data-products#artifactRegistry: registry.example.com/data-products-eu#' "$WORK/contract/platform/contract.yaml"
cp -r "$WORK/contract" "$WORK/none"
g "$WORK/none" checkout -q -- platform/contract.yaml
echo "notes" > "$WORK/none/products/README.md"

review() { echo "$floe diff --all products --root $1 --contract platform/contract.yaml --base HEAD --image-tag $TAG --format markdown -q"; }

# It must work before it is timed: every product reported after the contract change,
# none after the README.
sh -c "$(review "$WORK/contract")" | grep -q "^\*\*$N of $N products differ" || { echo "contract case: not every product reported" >&2; exit 1; }
sh -c "$(review "$WORK/none")" | grep -q "no product differs: $N of $N products unaffected" || { echo "no-op case: products reported" >&2; exit 1; }

"$timeit" -n "$REVIEW_RUNS" -title "#### \`floe diff --all\` over $N products" ${TSV:+-tsv "$TSV"} \
  "after a contract change ($N products rendered twice, all reported)::$(review "$WORK/contract")" \
  "after a change no product reads (nothing rendered)::$(review "$WORK/none")"
echo
echo "Machine: $(machine)."
