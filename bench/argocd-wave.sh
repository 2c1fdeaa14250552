#!/usr/bin/env bash
# One refresh wave of a monorepo through Argo CD's CMP client code (e2e/argocd,
# argo-cd v3.3.19): every product generated once by argocd-cmp-server running
# `floe argocd generate` (exec mode) and by `floe cmp-server`, side by side in one run.
# Prints a Markdown table: apps per minute and the server's CPU per app (median, p95).
#
#   bench/argocd-wave.sh                  # 200 products, 4 at a time
#   PRODUCTS=500 PARALLEL=8 bench/argocd-wave.sh
#
# The wave fails if any product's manifests differ between the two servers.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
(cd "$here/e2e/argocd" &&
  FLOE_BENCH_PRODUCTS=${PRODUCTS:-200} FLOE_BENCH_PARALLEL=${PARALLEL:-4} FLOE_BENCH_OUT=$out \
    go test -run '^TestRefreshWave$' -count=1 -timeout 60m . >&2)
cat "$out"
