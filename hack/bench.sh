#!/usr/bin/env bash
# `make bench`: every benchmark, one line per figure: `<metric>: <value> <unit>`.
# Runs on the local cluster (make bench starts it). Figures are printed, never asserted.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/cluster/lib.sh
export KUBECONFIG="$KUBECONFIG_PATH" PATH="$CP_BIN:$PATH"
rc=0
for script in hack/bench/apply-to-ready.ts hack/bench/operator-figures.ts hack/bench/failover.ts; do
  [ -f "$script" ] || continue
  node --import tsx "$script" || { echo "bench: $script failed" >&2; rc=1; }
done
exit $rc
