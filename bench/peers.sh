#!/usr/bin/env bash
# One product, whole processes, side by side: `floe render` (load, validate, helm
# engine, kustomize filters, policy gate — everything) against the pipeline a platform
# scripts today for the same result:
#
#   helm template <chart> -f values.yaml   # floe's own chart, the values floe computes
#   | kustomize build                       # namespace, labels, annotations, image, SA,
#                                           # security contexts, resources, telemetry env
#   | conftest test --combine               # floe's rego (policies/*.rego) via an adapter
#
# Inputs of the peer pipeline come from floe (bench/chartvalues), and the script checks
# the two outputs are the same objects (`floe diff`; the one difference is env order)
# and that conftest passes, before timing anything. Also timed: each peer step alone,
# a bare `helm template` of `helm create`'s chart, and `floe version` / `helm version`
# (process floors). Prints a markdown table (medians of RUNS alternating rounds).
#
#   bench/peers.sh                         # examples/demo customer-360, its default runtime
#   RUNS=41 PRODUCT=examples/hello-orders RUNTIME=floe-jobs bench/peers.sh
source "$(dirname "$0")/lib.sh"

ROOT=${ROOT:-$REPO/examples/demo}
CONTRACT=${CONTRACT:-platform/pec-dev.yaml}
PRODUCT=${PRODUCT:-demo/customer-360}
RUNTIME=${RUNTIME:-}
TAG=0123456789abcdef0123456789abcdef01234567

floe=$(floe_bin)
timeit=$(timeit_bin)
helm=$(peer_tool helm)
kustomize=$(peer_tool kustomize)
conftest=$(peer_tool conftest)

p=$WORK/peers
mkdir -p "$p/policy"
read -r chart release ns < <(cd "$REPO" && go run ./bench/chartvalues -root "$ROOT" -contract "$CONTRACT" \
  -product "$PRODUCT" ${RUNTIME:+-runtime "$RUNTIME"} -image-tag "$TAG" -out "$p")
for f in "$REPO"/policies/*.rego; do
  case $f in *_test.rego) ;; *) cp "$f" "$p/policy/" ;; esac
done
cp "$REPO/bench/peers/floe-shim.rego" "$p/policy/"
(cd "$p" && "$helm" create small >/dev/null)

floe_cmd="$floe render --root $ROOT --contract $CONTRACT --image-tag $TAG ${RUNTIME:+--runtime $RUNTIME} $ROOT/$PRODUCT"
helm_cmd="$helm template $release $REPO/charts/$chart -f $p/values.yaml --namespace $ns"
kust_cmd="$kustomize build $p/kustomize"
conf_cmd="$conftest test --combine --no-color --policy $p/policy --data $p/params.json $p/final.yaml"
peer_cmd="$helm_cmd > $p/kustomize/rendered.yaml && $kust_cmd > $p/final.yaml && $conf_cmd"

# Same work: both succeed, the outputs are the same objects, conftest passes on both.
$floe_cmd > "$p/floe.yaml" 2>/dev/null
sh -c "$peer_cmd" > /dev/null
"$conftest" test --combine --no-color --policy "$p/policy" --data "$p/params.json" "$p/floe.yaml" > /dev/null
echo "same work: $("$floe" diff --from "$p/floe.yaml" --to "$p/final.yaml" | tail -1) (floe vs peer output; env order differs)" >&2

"$timeit" -n "$RUNS" -title "#### One product ($PRODUCT, $chart): whole processes" ${TSV:+-tsv "$TSV"} \
  "floe render::$floe_cmd" \
  "helm template → kustomize build → conftest test::$peer_cmd" \
  "↳ helm template ($chart, floe's values)::$helm_cmd" \
  "↳ kustomize build (the overlay)::$kust_cmd" \
  "↳ conftest test --combine (floe's rego)::$conf_cmd" \
  "helm template (helm create chart)::$helm template small $p/small" \
  "floe version::$floe version" \
  "helm version::$helm version"
echo
echo "Machine: $(machine)."
