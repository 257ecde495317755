#!/usr/bin/env bash
# Starts the local cluster (idempotent): control plane + node agent, then prints figures.
# Expects the control plane binaries built and the TypeScript compiled (make cluster does both).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AGENT_PID="$RUN_DIR/agent.pid"
KUBECTL=("$CP_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH")

[ -f "$ROOT_DIR/dist/hack/cluster/agent/main.js" ] || die "the node agent is not built: run 'npm run build' (make cluster does)"

# A stale cluster from a killed run: container processes whose agent is gone are
# stopped first, so nothing half-dead is reported as ready.
if ! pid_alive "$AGENT_PID" && [ -d "$RUN_DIR" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/down.sh" --keep-data >/dev/null 2>&1 || true
fi

bash "$(dirname "${BASH_SOURCE[0]}")/controlplane.sh" start

if ! pid_alive "$AGENT_PID"; then
  start_daemon node-agent "$LOG_DIR/agent.log" "$AGENT_PID" \
    node "$ROOT_DIR/dist/hack/cluster/agent/main.js" \
    --kubeconfig "$KUBECONFIG_PATH" --state-dir "$CLUSTER_DIR" --project-dir "$ROOT_DIR"
fi

for ((i = 0; i < 300; i++)); do
  ready=$("${KUBECTL[@]}" get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c True || true)
  [ "$ready" -ge 3 ] && break
  pid_alive "$AGENT_PID" || die "the node agent exited; see $LOG_DIR/agent.log"
  sleep 0.2
done
[ "${ready:-0}" -ge 3 ] || die "nodes did not become Ready; see $LOG_DIR/agent.log"
# The default StorageClass comes from the agent's provisioner; StatefulSets need it.
for ((i = 0; i < 100; i++)); do
  "${KUBECTL[@]}" get storageclass local >/dev/null 2>&1 && break
  sleep 0.2
done

log "local cluster ready: KUBECONFIG=$KUBECONFIG_PATH  (kubectl: $CP_BIN/kubectl)"
# Figures, printed not asserted.
[ -f "$CP_BIN/.build-seconds" ] && echo "controlplane_build_seconds: $(cat "$CP_BIN/.build-seconds")"
rss=0
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
  pid=$(cat "$RUN_DIR/controlplane/$c.pid")
  kb=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  rss=$((rss + kb))
done
echo "controlplane_rss_mib: $((rss / 1024))"
