#!/usr/bin/env bash
# Policy gate throughput: `floe check` against conftest v0.71.1 running the same rego
# (floe's policies/*.rego behind bench/policy/conftest_adapter.rego) over one generated
# stream of N objects (Deployments, CronJobs, ConfigMaps, Services; a few violations).
# Runs are alternated; prints each tool's median wall time over RUNS runs, in seconds.
#
#   bench/policy.sh                      # N=5000 RUNS=5; builds into bench/.bin
#   N=1000 RUNS=9 BIN=/tmp/bin bench/policy.sh
#
# conftest is measured twice: as `conftest test` runs by default (every document is a
# separate evaluation) and with --combine (one evaluation over the whole stream, the
# way floe evaluates). The in-process engine alone: go test -bench Policy5000 ./policies
set -euo pipefail

N=${N:-5000}
RUNS=${RUNS:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$here/bench/.bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$BIN"
[[ -e "$BIN/.gitignore" ]] || echo '*' > "$BIN/.gitignore" # build output, never committed

echo "building floe into $BIN..." >&2
(cd "$here" && go build -trimpath -o "$BIN/floe" ./cmd/floe)
if ! go version -m "$BIN/conftest" 2>/dev/null | grep -q 'mod.*github.com/open-policy-agent/conftest.*v0.71.1'; then
  echo "building conftest v0.71.1 from the module proxy into $BIN (takes minutes)..." >&2
  GOBIN=$BIN go install github.com/open-policy-agent/conftest@v0.71.1
fi
go version -m "$BIN/conftest" | grep -m1 'mod.*conftest' >&2

# The stream, and a root with a contract and a platform Manifest it complies with.
root=$work/root
mkdir -p "$root"
(cd "$here" && go run ./policies/internal/cmd/policygen -n "$N") > "$root/stream.yaml"
cat > "$root/manifest.yaml" <<'YAML'
apiVersion: floe.dev/v1
kind: Manifest
metadata: {name: bench-platform, version: 1.0.0, owner: platform@example.com}
plugins:
  compute: {type: duckdb}
  orchestrator: {type: dagster}
governance:
  policy_enforcement_level: warn
YAML
cat > "$root/contract.yaml" <<'YAML'
apiVersion: floe.dev/v1alpha1
kind: PlatformEnvironmentContract
metadata: {name: floe-bench, owner: platform@example.com}
environment:
  name: staging
  kubernetes: {namespace: floe-bench, releaseName: floe}
  platformManifest: {source: git, path: manifest.yaml}
plugins:
  orchestrator: {default: dagster, alphaSupported: [dagster]}
  catalog: {default: polaris, alphaSupported: [polaris]}
  storage: {default: s3-compatible, alphaSupported: [s3-compatible]}
  telemetryBackend: {default: jaeger, alphaSupported: [jaeger]}
  lineageBackend: {default: marquez, alphaSupported: [marquez]}
  compute:
    default: duckdb
    approved: [{name: duckdb, use: benchmarks}]
runtime:
  recommendedAlphaSpine: floe-jobs
  artifactRegistry: registry.example.com/data-products
  imageTagPolicy: git-sha
access: {serviceAccount: floe-data-product-runner}
promotion: {requiredEvidence: [floe platform compile succeeds]}
support: {escalation: platform@example.com}
YAML

# conftest: the same policies (tests left out), the adapter, the same parameters.
pol=$work/policy
mkdir -p "$pol"
for f in "$here"/policies/*.rego; do
  case $f in *_test.rego) ;; *) cp "$f" "$pol/" ;; esac
done
cp "$here/bench/policy/conftest_adapter.rego" "$pol/"
cat > "$work/params.json" <<'JSON'
{"floe": {"params": {"namespace": "floe-bench", "serviceAccount": "floe-data-product-runner",
  "registry": "registry.example.com/data-products", "tagPolicy": "git-sha", "environment": "staging",
  "lineageEnabled": true}}}
JSON

floe_check() { "$BIN/floe" check --root "$root" --contract "$root/contract.yaml" --output json "$root/stream.yaml"; }
conftest_doc() { "$BIN/conftest" test --no-color --output json --policy "$pol" --data "$work/params.json" "$root/stream.yaml"; }
conftest_combined() { conftest_doc --combine; }

# Sanity: every tool must run (exit 0 pass or 1 findings) and report the same findings.
count() { echo "$(grep -c '"msg": \|"rule": ' || true) findings"; } # floe: "rule", conftest: "msg"
run_ok() { local out; set +e; out=$("$@"); local rc=$?; set -e
  if [[ $rc -gt 1 ]]; then echo "$* failed with exit $rc" >&2; exit 1; fi; printf '%s' "$out"; }
echo "stream: $N objects, $(wc -c < "$root/stream.yaml") bytes" >&2
echo "floe check:              $(run_ok floe_check | count)" >&2
echo "conftest test --combine: $(run_ok conftest_combined | count)" >&2
echo "conftest test:           $(run_ok conftest_doc | count)" >&2

now() { date +%s.%N; }
declare -a t_floe t_comb t_doc
for ((i = 0; i < RUNS; i++)); do
  s=$(now); run_ok floe_check > /dev/null; e=$(now); t_floe+=("$(echo "$e - $s" | bc)")
  s=$(now); run_ok conftest_combined > /dev/null; e=$(now); t_comb+=("$(echo "$e - $s" | bc)")
  s=$(now); run_ok conftest_doc > /dev/null; e=$(now); t_doc+=("$(echo "$e - $s" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
echo "median of $RUNS alternating runs (seconds, wall clock, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)):"
echo "  floe check               $(median "${t_floe[@]}")"
echo "  conftest test --combine  $(median "${t_comb[@]}")"
echo "  conftest test            $(median "${t_doc[@]}")"
