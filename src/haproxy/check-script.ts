/**
 * HAProxy's external health check for a Galera member. HAProxy runs it as
 * `<script> <proxy_addr> <proxy_port> <server_addr> <server_port>` with a cleared environment;
 * it passes (exit 0) only when the member answers wsrep_local_state=4 (Synced) and
 * wsrep_cluster_status=Primary. A stopped member still accepts TCP (facts.md), so the whole run
 * is bounded by `timeout`. The monitor user's credentials come from a 0600 option file written
 * by the start script, never from the command line.
 */

export const monitorCredentialsPath = (runtimeDir: string): string => `${runtimeDir}/monitor.cnf`;

export interface CheckScriptOptions {
  runtimeDir: string;
  /** Whole-check bound in seconds (connect + query). */
  timeoutSeconds?: number;
  mariadbClient?: string;
}

export function renderCheckScript(options: CheckScriptOptions): string {
  const seconds = options.timeoutSeconds ?? 2;
  const connectSeconds = Math.max(1, seconds - 1);
  const client = options.mariadbClient ?? 'mariadb';
  return String.raw`#!/bin/bash
# Galera health check for HAProxy: Synced and Primary, or down.
addr="${'${3:-}'}"
port="${'${4:-3306}'}"
case "$addr" in "" | NOT_USED | 0.0.0.0 | ::) exit 1 ;; esac
status="$(timeout -k 1 ${seconds} ${client} --defaults-extra-file=${monitorCredentialsPath(options.runtimeDir)} \
  --protocol=tcp --connect-timeout=${connectSeconds} -h "$addr" -P "$port" --batch --skip-column-names \
  -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_cluster_status')" 2>/dev/null)" || exit 1
state=""
component=""
while read -r name value; do
  case "$name" in
    wsrep_local_state) state="$value" ;;
    wsrep_cluster_status) component="$value" ;;
  esac
done <<<"$status"
[ "$state" = 4 ] && [ "$component" = Primary ]
`;
}
