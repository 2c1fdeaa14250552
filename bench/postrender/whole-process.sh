#!/usr/bin/env bash
# Whole-process timings: `floe post-render` vs `kustomize build` (the CLI pinned in
# tools/peers, v5.8.2) on the same generated 200-code-server stream, alternating runs,
# medians. Usage: bench/postrender/whole-process.sh [RUNS]   (default 11)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-11}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/floe" ./cmd/floe
(cd tools/peers && go build -o "$work/kustomize" sigs.k8s.io/kustomize/kustomize/v5)
mkdir -p "$work/k" "$work/root/platform"
go run ./bench/postrender/genstream "$work/k"
cat > "$work/root/platform/pec.yaml" <<'PEC'
apiVersion: floe.dev/v1alpha1
kind: PlatformEnvironmentContract
metadata: {name: floe-dev, owner: platform-team@example.com}
environment:
  name: dev
  kubernetes: {namespace: floe-dev, releaseName: floe}
  platformManifest: {source: oci, ociRef: "oci://registry.example.com/floe/platform/dev:0.1.0"}
plugins:
  orchestrator: {default: dagster, alphaSupported: [dagster]}
  catalog: {default: polaris, alphaSupported: [polaris]}
  storage: {default: s3-compatible, alphaSupported: [s3-compatible]}
  telemetryBackend: {default: jaeger, alphaSupported: [jaeger]}
  lineageBackend: {default: marquez, alphaSupported: [marquez]}
  compute: {default: duckdb, approved: [{name: duckdb, use: dbt}]}
runtime: {recommendedAlphaSpine: dagster, artifactRegistry: registry.example.com/data-products, imageTagPolicy: git-sha}
access: {serviceAccount: floe-data-product-runner}
promotion: {requiredEvidence: [floe platform compile succeeds]}
support: {escalation: platform-team@example.com}
PEC
floe_cmd() { (cd "$work/root" && "$work/floe" post-render --root . --contract platform/pec.yaml <"$work/k/stream.yaml" >/dev/null 2>&1); }
kust_cmd() { "$work/kustomize" build "$work/k" >/dev/null; }
ms() { local s e; s=$(date +%s%N); "$@"; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
floe_cmd || { echo "floe post-render failed:"; (cd "$work/root" && "$work/floe" post-render --root . --contract platform/pec.yaml <"$work/k/stream.yaml" >/dev/null); exit 1; }
f=() k=()
for _ in $(seq "$runs"); do
	f+=("$(ms floe_cmd)")
	k+=("$(ms kust_cmd)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mf=$(median "${f[@]}") mk=$(median "${k[@]}")
echo "stream: $(wc -c <"$work/k/stream.yaml") bytes, $runs alternating runs each"
echo "floe post-render (with policy gate): median ${mf} ms   [${f[*]}]"
echo "kustomize build (JSON6902 env):      median ${mk} ms   [${k[*]}]"
awk -v f="$mf" -v k="$mk" 'BEGIN {printf "floe/kustomize: %.2f\n", f / k}'
