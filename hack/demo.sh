#!/usr/bin/env bash
# `make demo`: the local cluster (already started by make), the CRDs, the operator as a
# local process, a 3-member cluster from manifests/examples/mysqlcluster.yaml, then a row
# written and read through the proxy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source hack/cluster/lib.sh
export KUBECONFIG="$KUBECONFIG_PATH" PATH="$CP_BIN:$PATH"
NAME=demo NS=default

kubectl apply --server-side --force-conflicts -f manifests/crds/ >/dev/null
[ -d manifests/rbac ] && kubectl apply --server-side --force-conflicts -f manifests/rbac/ >/dev/null
kubectl wait --for=condition=Established crd/mysqlclusters.galera-operator.io --timeout=60s >/dev/null

if ! pid_alive "$RUN_DIR/operator.pid"; then
  start_daemon operator "$LOG_DIR/operator.log" "$RUN_DIR/operator.pid" node dist/src/main.js
fi

kubectl apply -f manifests/examples/mysqlcluster.yaml
echo "waiting for mysqlcluster/$NAME to be Ready (first start: about a minute)…"
kubectl wait --for=condition=Ready "mysqlcluster/$NAME" -n "$NS" --timeout=600s
kubectl get mysqlclusters -n "$NS"
kubectl get pods -n "$NS" -l "app.kubernetes.io/instance=$NAME" -o wide

secret() { kubectl get secret "$NAME-credentials" -n "$NS" -o "jsonpath={.data.$1}" | base64 -d; }
rw=$(make -s endpoint SERVICE="$NS/$NAME-proxy" PORT=3306 | tail -1)
ro=$(make -s endpoint SERVICE="$NS/$NAME-proxy" PORT=3307 | tail -1)
user=$(secret app-username) db=$(secret app-database)
cnf=$(mktemp)
trap 'rm -f "$cnf"' EXIT
chmod 600 "$cnf"
printf '[client]\nuser=%s\npassword=%s\n' "$user" "$(secret app-password)" >"$cnf"
sql() { mariadb --defaults-extra-file="$cnf" -h "${1%:*}" -P "${1#*:}" "$db" -N -e "$2"; }
sql "$rw" "CREATE TABLE IF NOT EXISTS demo (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64), at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
sql "$rw" "INSERT INTO demo (note) VALUES ('hello from make demo')"
echo "written through $rw (read/write port): $(sql "$rw" "SELECT @@hostname")"
echo "read through $ro (read-only port) from $(sql "$ro" "SELECT @@hostname"): $(sql "$ro" "SELECT COUNT(*) FROM demo") row(s)"

cat <<MSG

The cluster is up. Connect as the application user:
  export KUBECONFIG=$KUBECONFIG_PATH PATH=$CP_BIN:\$PATH
  kubectl get secret $NAME-credentials -o jsonpath='{.data.app-password}' | base64 -d   # the password
  mariadb -h ${rw%:*} -P ${rw#*:} -u $user -p $db      # read/write (writer only)
  mariadb -h ${ro%:*} -P ${ro#*:} -u $user -p $db      # read-only (the other members)
Operator log: $LOG_DIR/operator.log   Pods' logs: $LOG_DIR/<namespace>/<pod>/<container>.log
Stop everything: make cluster-down   (make cluster-purge also deletes the data)
MSG
