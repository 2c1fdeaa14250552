#!/usr/bin/env bash
# Startup cost of the Argo CD plugin: the whole `floe argocd generate` process for one
# product, with the environment Argo CD's repo-server sets, against a bare
# `helm template` of a small chart (`helm create`'s scaffold). Prints the median and
# the spread of RUNS runs of each, in milliseconds.
#
#   bench/argocd-generate.sh                 # builds ./cmd/floe and helm v3.22.0
#   FLOE=/path/floe HELM=/path/helm RUNS=50 bench/argocd-generate.sh
#
# generate must succeed for the figure to mean anything: the script stops when it
# fails (e.g. a build without a policy gate).
set -euo pipefail

RUNS=${RUNS:-21}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z "${FLOE:-}" ]]; then
  echo "building floe..." >&2
  (cd "$here" && go build -trimpath -o "$work/floe" ./cmd/floe)
  FLOE=$work/floe
fi
if [[ -z "${HELM:-}" ]]; then
  echo "building helm v3.22.0 from the module proxy..." >&2
  GOBIN=$work/gobin go install helm.sh/helm/v3/cmd/helm@v3.22.0
  HELM=$work/gobin/helm
fi

# The repository as the CMP server unpacks it, and the app directory floe runs in.
cp -r "$here/examples/demo" "$work/repo"
app=demo/customer-360
export ARGOCD_APP_NAME=customer-360-dev ARGOCD_APP_NAMESPACE=floe-dev \
  ARGOCD_APP_PROJECT_NAME=default \
  ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567 \
  ARGOCD_APP_REVISION_SHORT=0123456 ARGOCD_APP_REVISION_SHORT_8=01234567 \
  ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/data.git \
  ARGOCD_APP_SOURCE_PATH=$app ARGOCD_APP_SOURCE_TARGET_REVISION=main \
  KUBE_VERSION=1.34.0 KUBE_API_VERSIONS=v1,apps/v1,batch/v1 \
  ARGOCD_ENV_FLOE_CONTRACT=platform/pec-dev.yaml \
  ARGOCD_APP_PARAMETERS='[{"name":"runtime","string":"dagster"}]' PARAM_RUNTIME=dagster

(cd "$work" && "$HELM" create small >/dev/null)

# time_runs LABEL DIR CMD...: RUNS runs (after one warm-up), median / min / max in ms.
time_runs() {
  local label=$1 dir=$2; shift 2
  (cd "$dir" && "$@" >"$work/out" 2>"$work/err") || {
    echo "$label failed:" >&2; cat "$work/err" >&2; exit 1; }
  [[ -s "$work/out" ]] || { echo "$label printed nothing" >&2; exit 1; }
  local ts=() i start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    (cd "$dir" && "$@" >/dev/null 2>&1)
    end=$(date +%s%N)
    ts+=($(( (end - start) / 1000 )))
  done
  local sorted=($(printf '%s\n' "${ts[@]}" | sort -n))
  local mid=${sorted[$((RUNS / 2))]} lo=${sorted[0]} hi=${sorted[$((RUNS - 1))]}
  printf '%-34s median %7.1f ms   min %7.1f   max %7.1f   (%d runs, %d bytes out)\n' \
    "$label" "$(echo "$mid / 1000" | bc -l)" "$(echo "$lo / 1000" | bc -l)" "$(echo "$hi / 1000" | bc -l)" \
    "$RUNS" "$(wc -c <"$work/out")"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
time_runs "floe argocd generate (customer-360)" "$work/repo/$app" "$FLOE" argocd generate
time_runs "floe argocd parameters" "$work/repo/$app" "$FLOE" argocd parameters
time_runs "helm template (helm create chart)" "$work" "$HELM" template small ./small
time_runs "floe version (process floor)" "$work" "$FLOE" version
