#!/usr/bin/env bash
# genproducts.sh DIR N: a root for `floe render --all` — golden/batch/root's contract and
# Manifest, and N generated products under DIR/products/team-KK/p-NNNN/floe.yaml,
# cycling through three shapes (6 dbt models with a schedule, 2 models with a disabled
# schedule, 2 models without a schedule), each with its own name, version and domain.
set -euo pipefail
dir=$1 n=$2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
cp -r "$here/golden/batch/root/platform" "$dir/"
for ((i = 1; i <= n; i++)); do
  name=$(printf 'p-%04d' "$i") team=$(printf 'team-%02d' $((i % 20)))
  mkdir -p "$dir/products/$team/$name"
  case $((i % 3)) in
  0) models='  - name: stg_customers
    tier: bronze
  - name: stg_orders
    tier: bronze
  - name: stg_tickets
    tier: bronze
  - name: int_orders
    tier: silver
    dependsOn: [stg_customers, stg_orders]
  - name: int_support
    tier: silver
    dependsOn: [stg_customers, stg_tickets]
  - name: mart_360
    tier: gold
    dependsOn: [int_orders, int_support]
schedule:
  cron: "*/10 * * * *"
  timezone: UTC
  enabled: true' ;;
  1) models='  - name: stg_orders
    tier: bronze
  - name: mart_daily
    tier: gold
    dependsOn: [stg_orders]
schedule:
  cron: "0 8 * * *"
  timezone: Europe/Berlin
  enabled: false' ;;
  2) models='  - name: stg_entries
    tier: bronze
  - name: fct_balances
    tier: silver
    dependsOn: [stg_entries]' ;;
  esac
  cat >"$dir/products/$team/$name/floe.yaml" <<YAML
apiVersion: floe.dev/v1
kind: FloeSpec
metadata:
  name: $name
  version: 1.$((i % 7)).$((i % 10))
  description: Generated product $i for the batch benchmark.
  owner: $team@example.com
  labels:
    domain: domain-$((i % 5))
    tier: gold
platform:
  manifest: ../../../platform/manifest.yaml
transforms:
$models
YAML
done
