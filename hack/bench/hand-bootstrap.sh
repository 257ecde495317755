#!/usr/bin/env bash
# The floor for `make bench`: three Galera members on this machine driven by a plain script,
# with no operator and no sidecar. Prints
#   hand_bootstrap_seconds: <n>               install-db + bootstrap member 1 → 3 members Synced
#   hand_full_crash_recovery_seconds: <n>     kill -9 all → wsrep-recover each, bootstrap the
#                                             highest, join the others → 3 Synced and writable
# Usage: hack/bench/hand-bootstrap.sh [rsync|mariabackup] [--bootstrap-only]
# Members listen on 127.5.0.1-3; everything is removed on exit.
set -euo pipefail

SST=${1:-mariabackup}
MODE=${2:-}
case "$SST" in rsync | mariabackup) ;; *) echo "usage: $0 [rsync|mariabackup] [--bootstrap-only]" >&2; exit 2 ;; esac

IPS=(127.5.0.1 127.5.0.2 127.5.0.3)
STEP_TIMEOUT=${STEP_TIMEOUT:-120}
WORK=$(mktemp -d /tmp/hand-bench.XXXXXX)
chmod 755 "$WORK"
declare -A PIDS=()

log() { echo "hand-bench: $*" >&2; }

cleanup() {
  local i tries
  for i in "${!PIDS[@]}"; do kill -9 -- "-${PIDS[$i]}" 2>/dev/null || true; done
  for i in "${!PIDS[@]}"; do
    for tries in $(seq 1 100); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.05; done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

member_dir() { echo "$WORK/m$1"; }

write_config() {
  local i=$1 ip=${IPS[$1]} dir
  dir=$(member_dir "$i")
  mkdir -p "$dir/data" "$dir/tmp" "$dir/sst-logs"
  cat >"$dir/my.cnf" <<CNF
[mysqld]
datadir = $dir/data
socket = $dir/mysqld.sock
pid-file = $dir/mysqld.pid
log-error = $dir/error.log
tmpdir = $dir/tmp
bind-address = $ip
port = 3306
skip-name-resolve
binlog_format = ROW
innodb_autoinc_lock_mode = 2
wsrep_on = ON
wsrep_provider = /usr/lib/galera/libgalera_smm.so
wsrep_cluster_name = handbench
wsrep_cluster_address = gcomm://${IPS[0]},${IPS[1]},${IPS[2]}
wsrep_node_name = m$i
wsrep_node_address = $ip
wsrep_sst_method = $SST
wsrep_sst_receive_address = $ip:4444
wsrep_provider_options = "gmcast.listen_addr=tcp://$ip:4567; ist.recv_addr=$ip:4568; gcache.size=128M; evs.suspect_timeout=PT2S; evs.inactive_timeout=PT4S; evs.keepalive_period=PT0.5S; evs.install_timeout=PT3.5S"

[sst]
sockopt = ",bind=$ip"
sst-log-archive-dir = $dir/sst-logs
tmpdir = $dir/tmp
CNF
  chown -R mysql:mysql "$dir"
}

start_member() { # index, extra mariadbd args...
  local i=$1 dir
  shift
  dir=$(member_dir "$i")
  setsid mariadbd --defaults-file="$dir/my.cnf" --user=mysql "$@" >>"$dir/console.log" 2>&1 &
  PIDS[$i]=$!
  disown "$!"
}

sql() { # index, statement
  timeout -s KILL 5 mariadb --no-defaults --protocol=socket --socket="$(member_dir "$1")/mysqld.sock" \
    --user=root --connect-timeout=2 -N -B -e "$2" 2>/dev/null
}

synced() { [ "$(sql "$1" "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'" | awk '{ print $2 }')" = 4 ]; }

wait_synced() {
  local i=$1 deadline=$((SECONDS + STEP_TIMEOUT))
  until synced "$i"; do
    if [ $SECONDS -ge $deadline ]; then
      log "member $i not Synced within ${STEP_TIMEOUT}s; its log:"
      tail -n 30 "$(member_dir "$i")/error.log" >&2
      exit 1
    fi
    sleep 0.1
  done
}

kill_all() {
  local i
  for i in 0 1 2; do kill -9 -- "-${PIDS[$i]}" 2>/dev/null || true; done
  for i in 0 1 2; do
    while kill -0 "${PIDS[$i]}" 2>/dev/null; do sleep 0.05; done
    unset "PIDS[$i]"
  done
}

# --- first bootstrap ------------------------------------------------------------------------
for i in 0 1 2; do write_config "$i"; done
t0=$(now)
mariadb-install-db --defaults-file="$(member_dir 0)/my.cnf" --user=mysql --skip-test-db >/dev/null 2>&1
start_member 0 --wsrep-new-cluster
wait_synced 0
log "member 0 Synced after $(elapsed "$t0" "$(now)") s"
start_member 1
sleep 1 # two joiners started at the same instant can cost ~5 s (facts.md)
start_member 2
wait_synced 1
wait_synced 2
echo "hand_bootstrap_seconds: $(elapsed "$t0" "$(now)")"
[ "$MODE" = --bootstrap-only ] && exit 0

# --- full crash -----------------------------------------------------------------------------
sql 0 "CREATE DATABASE bench"
sql 0 "CREATE TABLE bench.rows (id INT PRIMARY KEY)"
for id in $(seq 1 200); do sql $((id % 3)) "INSERT INTO bench.rows VALUES ($id)"; done
kill_all

t0=$(now)
declare -A POSITION=()
recover() {
  local i=$1 dir
  dir=$(member_dir "$i")
  mariadbd --defaults-file="$dir/my.cnf" --user=mysql --wsrep-recover --skip-networking \
    --log-error="$dir/recover.log" >/dev/null 2>&1 || true
  grep -a 'WSREP: Recovered position:' "$dir/recover.log" | tail -n1 | sed 's/.*Recovered position: *//' >"$dir/position"
}
for i in 0 1 2; do recover "$i" & done
wait
log "positions recovered after $(elapsed "$t0" "$(now)") s"
best=-1 best_seqno=-2
for i in 0 1 2; do
  POSITION[$i]=$(cut -d, -f1 <"$(member_dir "$i")/position")
  seqno=${POSITION[$i]##*:}
  [[ "$seqno" =~ ^-?[0-9]+$ ]] || { log "member $i: no recovered position"; exit 1; }
  if [ "$seqno" -gt "$best_seqno" ]; then best=$i best_seqno=$seqno; fi
done
sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$(member_dir "$best")/data/grastate.dat"
start_member "$best" --wsrep-new-cluster --wsrep_start_position="${POSITION[$best]}"
wait_synced "$best"
log "member $best bootstrapped after $(elapsed "$t0" "$(now)") s"
delay=0
for i in 0 1 2; do
  [ "$i" = "$best" ] && continue
  sleep "$delay"
  start_member "$i" --wsrep_start_position="${POSITION[$i]}"
  delay=1
done
for i in 0 1 2; do wait_synced "$i"; done
sql "$best" "INSERT INTO bench.rows VALUES (100000)"
echo "hand_full_crash_recovery_seconds: $(elapsed "$t0" "$(now)")"

for i in 0 1 2; do
  count=$(sql "$i" "SELECT COUNT(*) FROM bench.rows WHERE id <= 200")
  [ "$count" = 200 ] || { log "member $i has $count of 200 acknowledged rows"; exit 1; }
done
