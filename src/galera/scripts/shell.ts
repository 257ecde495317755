/** Helpers shared by the bash scripts rendered into the ConfigMap. */
import * as layout from './layout.js';

/** Quotes a value for bash (single quotes; embedded quotes closed and escaped). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `NAME='value'` lines, so the script bodies use names instead of literal paths. */
export function shellAssignments(vars: Record<string, string | number>): string {
  return Object.entries(vars)
    .map(([name, value]) => `${name}=${shellQuote(String(value))}`)
    .join('\n');
}

/** Path and port variables every script shares; values come from layout.ts. */
export function layoutAssignments(): string {
  return shellAssignments({
    CONFIG_DIR: layout.CONFIG_DIR,
    DATA_DIR: layout.DATA_DIR,
    RUN_MYSQLD_DIR: layout.RUN_MYSQLD_DIR,
    GALERA_RUN_DIR: layout.GALERA_RUN_DIR,
    SOCKET_PATH: layout.SOCKET_PATH,
    POD_CNF: layout.POD_CNF,
    SECRET_CNF: layout.SECRET_CNF,
    TMP_DIR: layout.TMP_DIR,
    SST_LOG_DIR: layout.SST_LOG_DIR,
    RECOVER_LOG: layout.RECOVER_LOG,
    STATE_FILE: layout.STATE_FILE,
    INSTRUCTION_FILE: layout.INSTRUCTION_FILE,
    ANSWERED_MARKER: layout.ANSWERED_MARKER,
    INIT_MARKER: layout.INIT_MARKER,
    SST_MARKERS: layout.SST_MARKERS.join(' '),
    SST_PORT: layout.SST_PORT,
    GCOMM_PORT: layout.GCOMM_PORT,
    IST_PORT: layout.IST_PORT,
    MONITOR_USER: layout.MONITOR_USER,
    SST_USER: layout.SST_USER,
  });
}
