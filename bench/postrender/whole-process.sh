#!/usr/bin/env bash
# Whole-process timings on the generated 200-code-server stream (about 250 KB):
# `floe post-render` with its policy gate, the floor as a process (bench/postrender/floor:
# a yaml.v3 decode and encode of every document), and `kustomize build` with the JSON
# 6902 env patches (the CLI pinned in tools/peers, v5.8.2). The floor runs twice: as a
# plain Go program, and with GOGC=off — floe holds its first garbage collection back
# until the heap reaches 128 MiB (internal/gcdefer), which this stream never does, so the
# second is the like-for-like floor. bench/timeit runs them in
# alternating rounds and reports medians. Usage: bench/postrender/whole-process.sh
# (RUNS rounds, default 21).
source "$(dirname "$0")/../lib.sh"

floe=$(floe_bin)
timeit=$(timeit_bin)
kustomize=$(peer_tool kustomize)
(cd "$REPO" && go build -o "$WORK/floor" ./bench/postrender/floor)
mkdir -p "$WORK/k" "$WORK/root/platform"
(cd "$REPO" && go run ./bench/postrender/genstream "$WORK/k")
cat >"$WORK/root/platform/pec.yaml" <<'PEC'
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
stream=$WORK/k/stream.yaml
post_render="cd $WORK/root && $floe post-render --root . --contract platform/pec.yaml <$stream"
# Each side must succeed and do its job before it is timed.
out=$(sh -c "$post_render" 2>/dev/null)
[[ $(grep -c 'name: OTEL_EXPORTER_OTLP_ENDPOINT' <<<"$out") == 200 ]] || { echo "floe post-render did not wire 200 containers" >&2; exit 1; }
[[ $("$kustomize" build "$WORK/k" | grep -c 'name: OTEL_EXPORTER_OTLP_ENDPOINT') == 200 ]] || { echo "kustomize did not wire 200 containers" >&2; exit 1; }
[[ $("$WORK/floor" <"$stream" | grep -c '^kind: Deployment') == 200 ]] || { echo "the floor lost documents" >&2; exit 1; }

echo "#### Post-render, whole processes ($(wc -c <"$stream") bytes, 200 code servers)"
echo
"$timeit" -n "$RUNS" ${TSV:+-tsv "$TSV"} \
  "floor (yaml.v3 decode+encode)::$WORK/floor <$stream" \
  "floor without GC (GOGC=off)::GOGC=off $WORK/floor <$stream" \
  "floe post-render (gate included)::$post_render" \
  "kustomize build (JSON 6902 env patches)::$kustomize build $WORK/k"
echo
echo "Machine: $(machine)."
