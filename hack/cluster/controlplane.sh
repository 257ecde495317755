#!/usr/bin/env bash
# Starts / stops the real Kubernetes control plane of the local cluster:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler — all on 127.0.0.1.
#   controlplane.sh start | stop | status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CP_RUN="$RUN_DIR/controlplane"
CP_LOG="$LOG_DIR/controlplane"

write_kubeconfig() { # USER CERT KEY FILE
  local user="$1" cert="$2" key="$3" file="$4"
  cat >"$file" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $PKI_DIR/ca.crt
users:
- name: $user
  user:
    client-certificate: $PKI_DIR/$cert
    client-key: $PKI_DIR/$key
contexts:
- name: local
  context: {cluster: local, user: $user}
current-context: local
KCFG
  chmod 600 "$file"
}

api_ready() {
  "$CP_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" --request-timeout=2s get --raw /readyz >/dev/null 2>&1
}

wait_for() { # SECONDS DESCRIPTION CMD...
  local secs="$1" what="$2" i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" && return 0
    sleep 0.2
  done
  die "$what did not become ready within $secs s (logs: $CP_LOG)"
}

etcd_ready() { curl -fsS --max-time 2 http://127.0.0.1:2379/health 2>/dev/null | grep -q '"health":"true"'; }

start() {
  for b in "${CP_BINARIES[@]}"; do
    [ -x "$CP_BIN/$b" ] || die "missing $CP_BIN/$b: run hack/cluster/build-controlplane.sh (make cluster does)"
  done
  bash "$(dirname "${BASH_SOURCE[0]}")/pki.sh"
  mkdir -p "$CP_RUN" "$CP_LOG" "$CLUSTER_DIR/etcd"
  write_kubeconfig kubernetes-admin admin.crt admin.key "$KUBECONFIG_PATH"
  write_kubeconfig system:kube-controller-manager controller-manager.crt controller-manager.key "$CLUSTER_DIR/controller-manager.kubeconfig"
  write_kubeconfig system:kube-scheduler scheduler.crt scheduler.key "$CLUSTER_DIR/scheduler.kubeconfig"
  local t0
  t0=$(now_ms)

  if ! pid_alive "$CP_RUN/etcd.pid"; then
    start_daemon etcd "$CP_LOG/etcd.log" "$CP_RUN/etcd.pid" "$CP_BIN/etcd" \
      --name local --data-dir "$CLUSTER_DIR/etcd" \
      --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
      --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
      --initial-cluster local=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
      --quota-backend-bytes 4294967296 --log-level warn
  fi
  wait_for 30 etcd etcd_ready

  if ! pid_alive "$CP_RUN/kube-apiserver.pid"; then
    start_daemon kube-apiserver "$CP_LOG/kube-apiserver.log" "$CP_RUN/kube-apiserver.pid" "$CP_BIN/kube-apiserver" \
      --etcd-servers http://127.0.0.1:2379 \
      --bind-address 127.0.0.1 --secure-port "$API_PORT" --advertise-address 127.0.0.1 \
      --endpoint-reconciler-type none \
      --service-cluster-ip-range "$SERVICE_CIDR" \
      --client-ca-file "$PKI_DIR/ca.crt" \
      --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
      --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" \
      --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
      --kubelet-certificate-authority "$PKI_DIR/ca.crt" \
      --kubelet-preferred-address-types InternalIP \
      --service-account-key-file "$PKI_DIR/sa.pub" \
      --service-account-signing-key-file "$PKI_DIR/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --authorization-mode RBAC --allow-privileged=true \
      --profiling=false --v=1
  fi
  wait_for 90 kube-apiserver api_ready
  local api_ms=$(( $(now_ms) - t0 ))

  if ! pid_alive "$CP_RUN/kube-controller-manager.pid"; then
    # The endpoint controllers are off: the API server refuses 127.x in Endpoints and
    # EndpointSlices, so the node agent's service proxy reads pods directly instead.
    start_daemon kube-controller-manager "$CP_LOG/kube-controller-manager.log" "$CP_RUN/kube-controller-manager.pid" \
      "$CP_BIN/kube-controller-manager" \
      --kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
      --authentication-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
      --authorization-kubeconfig "$CLUSTER_DIR/controller-manager.kubeconfig" \
      --bind-address 127.0.0.1 --secure-port 10257 \
      --controllers '*,-endpoint,-endpointslice,-endpointslicemirroring' \
      --root-ca-file "$PKI_DIR/ca.crt" \
      --service-account-private-key-file "$PKI_DIR/sa.key" \
      --use-service-account-credentials=true \
      --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
      --service-cluster-ip-range "$SERVICE_CIDR" \
      --leader-elect=false --profiling=false --v=1
  fi
  if ! pid_alive "$CP_RUN/kube-scheduler.pid"; then
    start_daemon kube-scheduler "$CP_LOG/kube-scheduler.log" "$CP_RUN/kube-scheduler.pid" "$CP_BIN/kube-scheduler" \
      --kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
      --authentication-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
      --authorization-kubeconfig "$CLUSTER_DIR/scheduler.kubeconfig" \
      --bind-address 127.0.0.1 --secure-port 10259 \
      --leader-elect=false --profiling=false --v=1
  fi
  wait_for 60 kube-controller-manager curl -fsk --max-time 2 https://127.0.0.1:10257/healthz -o /dev/null
  wait_for 60 kube-scheduler curl -fsk --max-time 2 https://127.0.0.1:10259/healthz -o /dev/null
  log "control plane ready; kubeconfig: $KUBECONFIG_PATH"
  echo "controlplane_start_to_api_ready_seconds: $(awk "BEGIN{printf \"%.1f\", $api_ms/1000}")"
}

stop() {
  local c
  for c in kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_pidfile "$CP_RUN/$c.pid" 15
  done
  log "control plane stopped"
}

status() {
  local c rc=0
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
    if pid_alive "$CP_RUN/$c.pid"; then echo "$c: running (pid $(cat "$CP_RUN/$c.pid"))"; else echo "$c: stopped"; rc=1; fi
  done
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 start|stop|status" ;;
esac
