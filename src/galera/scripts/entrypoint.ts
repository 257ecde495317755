/**
 * The mariadb container's entrypoint: prepare, learn the Galera position (grastate.dat, or
 * `mariadbd --wsrep-recover` after a crash), report it in state.json, wait for the operator's
 * instruction (written by the sidecar), then `exec mariadbd` so mariadbd is the main process.
 *
 * Timing: a restarted member is Waiting as soon as --wsrep-recover ends (1.4 s measured here);
 * from then on the operator may instruct it at once, and the entrypoint takes the instruction
 * within POLL_SECONDS. An instruction file present at start is void (deleted unread).
 */
import { layoutAssignments, shellAssignments } from './shell.js';

export interface EntrypointOptions {
  mariadbd?: string;
  installDb?: string;
  /** How often the waiting entrypoint looks for an instruction. */
  pollSeconds?: number;
}

export function entrypointScript(options: EntrypointOptions = {}): string {
  const tools = shellAssignments({
    MARIADBD: options.mariadbd ?? 'mariadbd',
    INSTALL_DB: options.installDb ?? 'mariadb-install-db',
    POLL_SECONDS: options.pollSeconds ?? 0.2,
  });
  return `#!/usr/bin/env bash
# Galera member entrypoint, rendered by the operator. See src/galera/scripts/entrypoint.ts.
${layoutAssignments()}
${tools}

${BODY}`;
}

const BODY = `set -uo pipefail
umask 022

log() { echo "entrypoint: $*" >&2; }

# JSON string literal of $1 (quotes, backslashes and control characters made safe).
json_str() {
  local s=\${1//\\\\/\\\\\\\\}
  s=\${s//\\"/\\\\\\"}
  s=$(printf '%s' "$s" | tr '\\n\\r\\t' '   ')
  printf '"%s"' "$s"
}

# SQL string literal of $1.
sql_str() {
  local s=\${1//\\\\/\\\\\\\\}
  s=\${s//\\'/\\\\\\'}
  printf "'%s'" "$s"
}

PHASE=Initializing
MESSAGE=""
POS_UUID=""
POS_SEQNO=-1
POSITION_SOURCE=""
START_POSITION=""
SAFE_TO_BOOTSTRAP=false
DATADIR_EMPTY=false
SST_INTERRUPTED=false
LAST_INSTRUCTION=null
BOOT_ID="$(date +%s%N)-$$"

# The instruction taken before a container restart still fences stale generations.
if [ -f "$STATE_FILE" ]; then
  previous=$(grep -o '"lastInstruction":{[^}]*}' "$STATE_FILE" 2>/dev/null | head -n1)
  [ -n "$previous" ] && LAST_INSTRUCTION=\${previous#\\"lastInstruction\\":}
fi

write_state() {
  local position=null source=null tmp="$STATE_FILE.tmp.$$"
  if [ -n "$POS_UUID" ]; then
    position="{\\"uuid\\":$(json_str "$POS_UUID"),\\"seqno\\":$POS_SEQNO}"
  fi
  [ -n "$POSITION_SOURCE" ] && source=$(json_str "$POSITION_SOURCE")
  printf '{"version":1,"pod":%s,"bootId":%s,"phase":"%s","position":%s,"positionSource":%s,"safeToBootstrap":%s,"datadirEmpty":%s,"sstInterrupted":%s,"lastInstruction":%s,"message":%s,"updatedAt":"%s"}\\n' \\
    "$(json_str "\${POD_NAME:-}")" "$(json_str "$BOOT_ID")" "$PHASE" "$position" "$source" \\
    "$SAFE_TO_BOOTSTRAP" "$DATADIR_EMPTY" "$SST_INTERRUPTED" "$LAST_INSTRUCTION" \\
    "$(json_str "$MESSAGE")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp" && mv -f "$tmp" "$STATE_FILE"
}

set_phase() {
  PHASE=$1
  MESSAGE=\${2:-}
  write_state
  log "phase $PHASE\${MESSAGE:+: $MESSAGE}"
}

fail() {
  set_phase Failed "$1"
  exit 1
}

# As PID 1 bash ignores SIGTERM unless trapped; stop promptly while recovering or waiting.
trap 'log "stopped by signal while $PHASE"; exit 143' TERM INT

mkdir -p "$GALERA_RUN_DIR" "$RUN_MYSQLD_DIR" "$TMP_DIR" "$SST_LOG_DIR" "$DATA_DIR"
set_phase Initializing "preparing directories"
# An instruction is one-shot: one written before this start is void.
rm -f "$INSTRUCTION_FILE" "$ANSWERED_MARKER"

[ -n "\${POD_NAME:-}" ] || fail "POD_NAME is not set"
[[ "\${POD_IP:-}" =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}$ ]] || fail "POD_IP must be a numeric IPv4 address, got '\${POD_IP:-}'"

RUN_AS_ARGS=()
if [ "$(id -u)" = 0 ]; then
  RUN_AS_ARGS=(--user=mysql)
  chown mysql:mysql "$DATA_DIR" "$RUN_MYSQLD_DIR" "$TMP_DIR" "$SST_LOG_DIR"
  find "$DATA_DIR" -xdev ! -user mysql -exec chown mysql:mysql {} + 2>/dev/null
fi

write_pod_config() {
  local shared
  shared=$(tr -d '\\n' <"$CONFIG_DIR/provider-options")
  cat >"$POD_CNF.tmp" <<CNF
[mysqld]
bind-address = $POD_IP
wsrep_node_name = $POD_NAME
wsrep_node_address = $POD_IP
wsrep_sst_receive_address = $POD_IP:$SST_PORT
wsrep_provider_options = "$shared; gmcast.listen_addr=tcp://$POD_IP:$GCOMM_PORT; ist.recv_addr=$POD_IP:$IST_PORT"
tmpdir = $TMP_DIR

[sst]
sockopt = ",bind=$POD_IP"
sst-log-archive-dir = $SST_LOG_DIR
tmpdir = $TMP_DIR
CNF
  mv -f "$POD_CNF.tmp" "$POD_CNF"
  (
    umask 077
    {
      echo "[mysqld]"
      [ -n "\${MARIADB_SST_PASSWORD:-}" ] && echo "wsrep_sst_auth = \\"$SST_USER:$MARIADB_SST_PASSWORD\\""
    } >"$SECRET_CNF.tmp"
  )
  [ "$(id -u)" = 0 ] && chown mysql:mysql "$SECRET_CNF.tmp"
  mv -f "$SECRET_CNF.tmp" "$SECRET_CNF"
}
write_pod_config

# Our own first-bootstrap initialization was cut short: nothing but system tables is there.
if [ -e "$DATA_DIR/$INIT_MARKER" ]; then
  log "removing an interrupted datadir initialization"
  find "$DATA_DIR" -mindepth 1 -delete
fi

inspect_datadir() {
  DATADIR_EMPTY=false
  [ -d "$DATA_DIR/mysql" ] || DATADIR_EMPTY=true
  SST_INTERRUPTED=false
  local marker
  for marker in $SST_MARKERS; do
    [ -e "$DATA_DIR/$marker" ] && SST_INTERRUPTED=true
  done
  POS_UUID=""
  POS_SEQNO=-1
  POSITION_SOURCE=""
  SAFE_TO_BOOTSTRAP=false
  local grastate="$DATA_DIR/grastate.dat" uuid seqno
  if [ -f "$grastate" ]; then
    uuid=$(sed -n 's/^uuid:[[:space:]]*//p' "$grastate" | head -n1)
    seqno=$(sed -n 's/^seqno:[[:space:]]*//p' "$grastate" | head -n1)
    if [[ "$uuid" =~ ^[0-9a-f-]{36}$ ]] && [[ "$seqno" =~ ^-?[0-9]+$ ]]; then
      POS_UUID=$uuid
      POS_SEQNO=$seqno
      POSITION_SOURCE=grastate
    fi
    grep -q '^safe_to_bootstrap:[[:space:]]*1' "$grastate" && SAFE_TO_BOOTSTRAP=true
  fi
}

# Learn the last committed position the way galera_recovery does: from the server's own log.
recover_position() {
  set_phase Recovering "running mariadbd --wsrep-recover"
  rm -f "$RECOVER_LOG"
  "$MARIADBD" --defaults-file="$CONFIG_DIR/my.cnf" "\${RUN_AS_ARGS[@]}" --wsrep-recover \\
    --skip-networking --log-error="$RECOVER_LOG" >&2
  local rc=$? line position
  [ -f "$RECOVER_LOG" ] && sed 's/^/wsrep-recover: /' "$RECOVER_LOG" >&2
  line=$(grep -a 'WSREP: Recovered position:' "$RECOVER_LOG" 2>/dev/null | tail -n1)
  position=$(printf '%s' "\${line##*Recovered position:}" | tr -d '[:space:]')
  if [[ "$position" =~ ^([0-9a-f-]{36}):(-?[0-9]+)(,.*)?$ ]]; then
    POS_UUID=\${BASH_REMATCH[1]}
    POS_SEQNO=\${BASH_REMATCH[2]}
    POSITION_SOURCE=wsrep-recover
    START_POSITION="$POS_UUID:$POS_SEQNO"
    return 0
  fi
  MESSAGE="wsrep-recover (exit $rc) reported no position"
  return 1
}

inspect_datadir
RECOVERY_NOTE=""
if [ "$DATADIR_EMPTY" = false ] && [ "$SST_INTERRUPTED" = false ] && [ "$POS_SEQNO" = -1 ]; then
  recover_position || RECOVERY_NOTE=$MESSAGE
fi

initialize_datadir() {
  local init_sql="$RUN_MYSQLD_DIR/init.sql" db=\${MARIADB_DATABASE:-} user=\${MARIADB_USER:-} host=\${MARIADB_USER_HOST:-%}
  [ -n "\${MARIADB_ROOT_PASSWORD:-}" ] || { MESSAGE="MARIADB_ROOT_PASSWORD is not set"; return 1; }
  if [ -n "$db" ] && ! [[ "$db" =~ ^[A-Za-z0-9_]{1,64}$ ]]; then
    MESSAGE="MARIADB_DATABASE must match [A-Za-z0-9_]{1,64}"; return 1
  fi
  (
    umask 077
    echo "FLUSH PRIVILEGES;"
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(sql_str "$MARIADB_ROOT_PASSWORD");"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD($(sql_str "$MARIADB_ROOT_PASSWORD")) OR unix_socket;"
    if [ -n "$db" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \\\`$db\\\`;"
    fi
    if [ -n "$user" ] && [ -n "\${MARIADB_PASSWORD:-}" ]; then
      echo "CREATE USER IF NOT EXISTS $(sql_str "$user")@$(sql_str "$host") IDENTIFIED BY $(sql_str "$MARIADB_PASSWORD");"
      [ -n "$db" ] && echo "GRANT ALL PRIVILEGES ON \\\`$db\\\`.* TO $(sql_str "$user")@$(sql_str "$host");"
    fi
    if [ -n "\${MARIADB_MONITOR_PASSWORD:-}" ]; then
      local monitor_host
      for monitor_host in "$host" localhost; do
        echo "CREATE USER IF NOT EXISTS '$MONITOR_USER'@$(sql_str "$monitor_host") IDENTIFIED BY $(sql_str "$MARIADB_MONITOR_PASSWORD");"
      done
    fi
    if [ -n "\${MARIADB_SST_PASSWORD:-}" ]; then
      echo "CREATE USER IF NOT EXISTS '$SST_USER'@'localhost' IDENTIFIED BY $(sql_str "$MARIADB_SST_PASSWORD");"
      echo "GRANT RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR ON *.* TO '$SST_USER'@'localhost';"
    fi
  ) >"$init_sql"
  [ "$(id -u)" = 0 ] && chown mysql:mysql "$init_sql"
  touch "$DATA_DIR/$INIT_MARKER"
  "$INSTALL_DB" --defaults-file="$CONFIG_DIR/my.cnf" "\${RUN_AS_ARGS[@]}" --datadir="$DATA_DIR" \\
    --skip-test-db --skip-name-resolve --extra-file="$init_sql" >&2
  local rc=$?
  rm -f "$init_sql"
  if [ $rc -ne 0 ]; then
    MESSAGE="mariadb-install-db failed (exit $rc)"
    return 1
  fi
  rm -f "$DATA_DIR/$INIT_MARKER"
  return 0
}

mark_safe_to_bootstrap() {
  local grastate="$DATA_DIR/grastate.dat"
  [ -f "$grastate" ] && sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$grastate"
  return 0
}

# Wait for the operator's instruction (written by the sidecar), then act on it.
wait_for_instruction() {
  local note=$1 content action generation
  set_phase Waiting "$note"
  while :; do
    if [ -f "$INSTRUCTION_FILE" ]; then
      content=$(cat "$INSTRUCTION_FILE" 2>/dev/null)
      rm -f "$INSTRUCTION_FILE"
      action=$(printf '%s' "$content" | sed -n 's/.*"action"[[:space:]]*:[[:space:]]*"\\([a-z]*\\)".*/\\1/p')
      generation=$(printf '%s' "$content" | sed -n 's/.*"generation"[[:space:]]*:[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p')
      if { [ "$action" = bootstrap ] || [ "$action" = join ]; } && [ -n "$generation" ]; then
        LAST_INSTRUCTION="{\\"action\\":\\"$action\\",\\"generation\\":$generation}"
        if [ "$action" = bootstrap ] && [ "$SST_INTERRUPTED" = true ]; then
          set_phase Waiting "refused bootstrap (generation $generation): an SST into this datadir was interrupted"
        else
          INSTRUCTION_ACTION=$action
          INSTRUCTION_GENERATION=$generation
          return 0
        fi
      else
        set_phase Waiting "ignored a malformed instruction"
      fi
    fi
    sleep "$POLL_SECONDS"
  done
}

if [ "$SST_INTERRUPTED" = true ]; then
  WAIT_NOTE="an SST into this datadir was interrupted: it can only join (full SST)"
elif [ "$DATADIR_EMPTY" = true ]; then
  WAIT_NOTE="empty datadir, waiting for the operator"
else
  WAIT_NOTE=\${RECOVERY_NOTE:-"position known, waiting for the operator"}
fi
wait_for_instruction "$WAIT_NOTE"

START_ARGS=(--defaults-file="$CONFIG_DIR/my.cnf" "\${RUN_AS_ARGS[@]}")
[ -n "$START_POSITION" ] && START_ARGS+=(--wsrep_start_position="$START_POSITION")

if [ "$INSTRUCTION_ACTION" = bootstrap ]; then
  if [ "$DATADIR_EMPTY" = true ]; then
    set_phase Starting "initializing an empty datadir for a new cluster"
    initialize_datadir || fail "$MESSAGE"
  fi
  mark_safe_to_bootstrap
  set_phase Starting "bootstrapping a new Primary component (generation $INSTRUCTION_GENERATION)"
  exec "$MARIADBD" "\${START_ARGS[@]}" --wsrep-new-cluster
fi

set_phase Starting "joining the cluster (generation $INSTRUCTION_GENERATION)"
exec "$MARIADBD" "\${START_ARGS[@]}"
`;
