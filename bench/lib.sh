# Shared by the bench/*.sh scripts (sourced). Sets:
#   REPO   the repository root
#   WORK   a scratch directory removed on exit
#   CACHE  where peer tools are built once ($FLOE_BENCH_CACHE, default ~/.cache/floe-bench)
#   RUNS   rounds per measurement (default 21; bench/batch.sh uses fewer)
# and defines floe_bin, timeit_bin, peer_tool, machine.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${FLOE_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/floe-bench}
RUNS=${RUNS:-21}
if [[ -z "${WORK:-}" ]]; then
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$CACHE"

# floe_bin: $FLOE, else ./cmd/floe built once per WORK (as `make build` builds it).
floe_bin() {
  if [[ -n "${FLOE:-}" ]]; then echo "$FLOE"; return; fi
  if [[ ! -x "$WORK/floe" ]]; then
    echo "building floe..." >&2
    (cd "$REPO" && go build -trimpath -o "$WORK/floe" ./cmd/floe)
  fi
  echo "$WORK/floe"
}

# timeit_bin: bench/timeit (alternating rounds, medians, peak RSS from wait4).
timeit_bin() {
  if [[ ! -x "$WORK/timeit" ]]; then
    (cd "$REPO" && go build -o "$WORK/timeit" ./bench/timeit)
  fi
  echo "$WORK/timeit"
}

# peer_tool helm|kustomize|conftest: the CLI built from the pinned tools modules
# (tools/helm3: helm v3.22.0; tools/peers: kustomize v5.8.2, conftest v0.71.1) into
# CACHE, keyed by the module's go.sum so a version bump rebuilds it. First build: minutes.
peer_tool() {
  local name=$1 dir pkg
  case $name in
  helm) dir=tools/helm3 pkg=helm.sh/helm/v3/cmd/helm ;;
  kustomize) dir=tools/peers pkg=sigs.k8s.io/kustomize/kustomize/v5 ;;
  conftest) dir=tools/peers pkg=github.com/open-policy-agent/conftest ;;
  *) echo "peer_tool: unknown $name" >&2; return 1 ;;
  esac
  local key bin
  key=$(cat "$REPO/$dir/go.mod" "$REPO/$dir/go.sum" | sha256sum | cut -c1-16)
  bin=$CACHE/$name-$key
  if [[ ! -x "$bin" ]]; then
    echo "building $name from $dir (module proxy; once, cached in $CACHE)..." >&2
    (cd "$REPO/$dir" && go build -trimpath -o "$bin.tmp" "$pkg") && mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

# machine: one line describing where the numbers come from.
machine() {
  local cpu
  cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')
  echo "$(nproc) cores (${cpu:-unknown CPU}), load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
}
