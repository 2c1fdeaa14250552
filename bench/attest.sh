#!/usr/bin/env bash
# The cost of --attest (D-EVD-04): one product (golden/batch/root's first product) and
# N generated products (bench/genproducts.sh) in one `floe render --all`, each with and
# without `--attest FILE --signing-key KEY` (a PKCS#8 ECDSA P-256 key made here), stdout
# to /dev/null. Rounds alternate between the two forms (bench/timeit), medians reported.
#
#   bench/attest.sh                 # N=1000, ATTEST_RUNS=5 rounds, RUNS=21 for one product
#   N=200 ATTEST_RUNS=3 bench/attest.sh
source "$(dirname "$0")/lib.sh"

N=${N:-1000}
ATTEST_RUNS=${ATTEST_RUNS:-5}
TAG=0123456789abcdef0123456789abcdef01234567

floe=$(floe_bin)
timeit=$(timeit_bin)
"$REPO/bench/genproducts.sh" "$WORK/attest" "$N"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/attest.key" 2>/dev/null
export SOURCE_DATE_EPOCH=1767225600

one=$(cd "$WORK/attest" && find products -name floe.yaml | sort | head -1 | xargs dirname)
base="$floe render --root $WORK/attest --contract platform/contract.yaml --image-tag $TAG"
attest="--attest $WORK/attest.json --signing-key $WORK/attest.key"

# It must work before it is timed: the attestation verifies against the stream.
$base --all "$WORK/attest/products" $attest > "$WORK/all.yaml" 2>/dev/null
openssl pkey -in "$WORK/attest.key" -pubout -out "$WORK/attest.pub"
$floe verify --attestation "$WORK/attest.json" --key "$WORK/attest.pub" "$WORK/all.yaml" > /dev/null

"$timeit" -n "$RUNS" -title "#### One product: \`floe render\` with and without --attest" ${TSV:+-tsv "$TSV"} \
  "floe render::$base $WORK/attest/$one > /dev/null" \
  "floe render --attest::$base $attest $WORK/attest/$one > /dev/null"
echo
"$timeit" -n "$ATTEST_RUNS" -title "#### $N products: \`floe render --all\` with and without --attest" ${TSV:+-tsv "$TSV"} \
  "floe render --all ($N)::$base --all $WORK/attest/products > /dev/null" \
  "floe render --all --attest ($N)::$base --all $WORK/attest/products $attest > /dev/null"
echo
echo "Machine: $(machine)."
