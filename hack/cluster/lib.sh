# Shared settings of the local cluster scripts (sourced, not run).
# Everything the local cluster binds is on 127.0.0.1 or inside 127.0.0.0/8.

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT_DIR/.cluster}"
K8S_VERSION="v1.36.3"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/galera-operator"
CP_MODULE_DIR="$ROOT_DIR/hack/cluster/controlplane"
# Version stamps that a release build of Kubernetes carries (kubectl version reads them).
CP_LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  CP_LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=36 -X $pkg.gitTreeState=clean"
done
# The cache key covers the pinned versions: go.mod/go.sum, the etcd main and the flags.
CP_KEY="$(cat "$CP_MODULE_DIR/go.mod" "$CP_MODULE_DIR/go.sum" "$CP_MODULE_DIR/cmd/etcd/main.go" <(echo "$CP_LDFLAGS") | sha256sum | cut -c1-12)"
CP_BIN="$CACHE_ROOT/k8s-$K8S_VERSION-$CP_KEY/bin"
CP_BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)

API_PORT=6443
SERVICE_CIDR="127.96.0.0/16"
KUBERNETES_SERVICE_IP="127.96.0.1"
PKI_DIR="$CLUSTER_DIR/pki"
RUN_DIR="$CLUSTER_DIR/run"
LOG_DIR="$CLUSTER_DIR/logs"
KUBECONFIG_PATH="$CLUSTER_DIR/kubeconfig"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

# pid_alive FILE: true when FILE names a running process.
pid_alive() {
  local f="$1" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_pidfile FILE GRACE: SIGTERM the process group, then SIGKILL after GRACE seconds.
stop_pidfile() {
  local f="$1" grace="${2:-10}" pid i
  [ -f "$f" ] || return 0
  pid="$(cat "$f" 2>/dev/null)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

# start_daemon NAME LOGFILE PIDFILE CMD...: start CMD in its own session, detached.
start_daemon() {
  local name="$1" logf="$2" pidf="$3"
  shift 3
  mkdir -p "$(dirname "$logf")" "$(dirname "$pidf")"
  setsid "$@" >>"$logf" 2>&1 </dev/null &
  echo $! >"$pidf"
  log "started $name (pid $!)"
}

now_ms() { date +%s%3N; }
