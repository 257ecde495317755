/**
 * Exec probes of the mariadb container (`bash /opt/galera/probe.sh readiness|liveness`).
 *
 * readiness: Primary ∧ Synced (wsrep_local_state=4, wsrep_cluster_status=Primary), read as the
 *   monitor user over the socket, cut off after QUERY_TIMEOUT_SECONDS (a SIGSTOPped server still
 *   accepts connections).
 * liveness: passes while the entrypoint recovers or waits, while an SST runs, and while a
 *   starting server has not answered yet; fails only when mariadbd answered since this start
 *   and now does not answer within QUERY_TIMEOUT_SECONDS.
 */
import { layoutAssignments, shellAssignments } from './shell.js';

/** Seconds one probe call may take; the kubelet's timeoutSeconds must be larger. */
export const PROBE_QUERY_TIMEOUT_SECONDS = 4;

/**
 * Recommended probe settings. Liveness kills only after ~3 × 10 s without an answer, so a
 * member paused for 20 s (SIGSTOP drill) survives, while a hung one is restarted in ~30-40 s.
 */
export const PROBE_SETTINGS = {
  readiness: { periodSeconds: 2, timeoutSeconds: 6, failureThreshold: 1, successThreshold: 1 },
  liveness: { periodSeconds: 10, timeoutSeconds: 6, failureThreshold: 3, successThreshold: 1 },
} as const;

export interface ProbeOptions {
  mariadbClient?: string;
  mariadbAdmin?: string;
}

export function probeScript(options: ProbeOptions = {}): string {
  const tools = shellAssignments({
    MARIADB_CLIENT: options.mariadbClient ?? 'mariadb',
    MARIADB_ADMIN: options.mariadbAdmin ?? 'mariadb-admin',
    QUERY_TIMEOUT_SECONDS: PROBE_QUERY_TIMEOUT_SECONDS,
    CONNECT_TIMEOUT_SECONDS: 2,
  });
  return `#!/usr/bin/env bash
# Galera member probes, rendered by the operator. See src/galera/scripts/probe.ts.
${layoutAssignments()}
${tools}

${BODY}`;
}

const BODY = `set -uo pipefail

# Runs one statement as the monitor user over the socket; a hung server is cut off by timeout.
monitor_query() {
  MYSQL_PWD="\${MARIADB_MONITOR_PASSWORD:-}" timeout -s KILL "$QUERY_TIMEOUT_SECONDS" \\
    "$MARIADB_CLIENT" --no-defaults --protocol=socket --socket="$SOCKET_PATH" \\
    --user="$MONITOR_USER" --connect-timeout="$CONNECT_TIMEOUT_SECONDS" -N -B -e "$1" 2>/dev/null
}

# Exit 0 when the server answers the protocol handshake (credentials are not needed for this).
server_answers() {
  timeout -s KILL "$QUERY_TIMEOUT_SECONDS" "$MARIADB_ADMIN" --no-defaults --protocol=socket \\
    --socket="$SOCKET_PATH" --connect-timeout="$CONNECT_TIMEOUT_SECONDS" ping >/dev/null 2>&1
}

state_phase() {
  sed -n 's/.*"phase":"\\([A-Za-z]*\\)".*/\\1/p' "$STATE_FILE" 2>/dev/null | head -n1
}

sst_in_progress() {
  local marker
  for marker in $SST_MARKERS; do
    [ -e "$DATA_DIR/$marker" ] && return 0
  done
  return 1
}

readiness() {
  local out state status
  out=$(monitor_query "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state','wsrep_cluster_status')") || {
    echo "not ready: no answer within \${QUERY_TIMEOUT_SECONDS}s"
    return 1
  }
  touch "$ANSWERED_MARKER" 2>/dev/null
  state=$(printf '%s\\n' "$out" | awk '$1 == "wsrep_local_state" { print $2 }')
  status=$(printf '%s\\n' "$out" | awk '$1 == "wsrep_cluster_status" { print $2 }')
  if [ "$state" = 4 ] && [ "$status" = Primary ]; then
    return 0
  fi
  echo "not ready: wsrep_local_state=\${state:-?} wsrep_cluster_status=\${status:-?}"
  return 1
}

# Never fails while the member recovers, waits, or transfers state; fails only when a server
# that has answered since this start stops answering (the kubelet's failureThreshold repeats it).
liveness() {
  local phase
  phase=$(state_phase)
  case "$phase" in
    Starting | Running) ;;
    *) return 0 ;;
  esac
  if server_answers; then
    touch "$ANSWERED_MARKER" 2>/dev/null
    return 0
  fi
  sst_in_progress && return 0
  if [ ! -e "$ANSWERED_MARKER" ]; then
    return 0
  fi
  echo "not alive: mariadbd did not answer within \${QUERY_TIMEOUT_SECONDS}s"
  return 1
}

case "\${1:-}" in
  readiness) readiness ;;
  liveness) liveness ;;
  *)
    echo "usage: probe.sh readiness|liveness" >&2
    exit 2
    ;;
esac
`;
