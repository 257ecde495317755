/**
 * The HAProxy container's command. It
 * 1. writes the monitor user's option file (0600) for the external check from Secret-backed
 *    environment variables, with bash builtins only (nothing secret on a command line);
 * 2. runs HAProxy in master-worker mode (`-W -db`), master CLI on `<runtimeDir>/master.sock`;
 * 3. watches the config file (a ConfigMap volume the operator re-renders) and, when it
 *    changes and `haproxy -c` accepts it: saves `show servers state` to the state file (so
 *    health, drain states and last addresses survive), drains a replaced writer and ends the
 *    sessions it still has after a short wait (so a transaction in flight commits), and reloads
 *    with SIGUSR2. The master starts new workers on the inherited listeners; old
 *    workers finish their connections (bounded by `hard-stop-after`), so healthy connections
 *    are not dropped by a reload;
 * 4. reloads the same config when a member name that did not resolve at the last (re)load
 *    resolves now (no resolvers section: only a reload re-resolves).
 * The admin socket is used through socat when the image has it; without socat, reloads still
 * happen but start from fresh server states.
 *
 * Usage: bash -c "$SCRIPT" haproxy-start <haproxy.cfg> [<runtimeDir> [<seed.cfg>]]
 * With a seed (the ConfigMap's copy), the watched file starts as the seed when it does not exist
 * yet: in a pod the watched file lives in the pod's runtime directory, where the proxy agent
 * replaces it as soon as the operator pushes a new config (no wait for ConfigMap propagation).
 */
import { monitorCredentialsPath } from './check-script.js';
import { adminSocketPath, serverStatePath, WRITER_BACKEND } from './config.js';

export const HAPROXY_ENV = {
  monitorUser: 'HAPROXY_MONITOR_USER',
  monitorPassword: 'HAPROXY_MONITOR_PASSWORD',
} as const;

export const masterSocketPath = (runtimeDir: string): string => `${runtimeDir}/master.sock`;

export interface StartScriptOptions {
  runtimeDir: string;
  haproxyBinary?: string;
  /** Seconds between looks at the config file. */
  pollSeconds?: number;
  /** Longest wait for a replaced writer's sessions to end before they are ended (seconds). */
  writerHandoverSeconds?: number;
}

export function renderHAProxyStartScript(options: StartScriptOptions): string {
  const dir = options.runtimeDir;
  const haproxy = options.haproxyBinary ?? 'haproxy';
  const user = HAPROXY_ENV.monitorUser;
  const password = HAPROXY_ENV.monitorPassword;
  const handoverTenths = Math.max(1, Math.round((options.writerHandoverSeconds ?? 2) * 10));
  return String.raw`#!/bin/bash
set -uo pipefail
cfg="$1"
seed="${'${3:-}'}"
for name in ${user} ${password}; do
  value="${'${!name:-}'}"
  if [ -z "$value" ]; then echo "haproxy-start: $name is not set" >&2; exit 1; fi
  case "$value" in
    *[[:space:]\"\\]*) echo "haproxy-start: $name holds a character an option file cannot carry" >&2; exit 1 ;;
  esac
done
umask 077
mkdir -p "${dir}"
if [ -n "$seed" ] && [ ! -s "$cfg" ]; then cp "$seed" "$cfg"; fi
printf '[client]\nuser="%s"\npassword="%s"\n' "$${user}" "$${password}" >"${monitorCredentialsPath(dir)}"
unset ${password}

admin() {
  command -v socat >/dev/null || return 1
  printf '%s\n' "$1" | timeout 5 socat -t 2 - "UNIX-CONNECT:${adminSocketPath(dir)}"
}
# Sessions the running worker holds on a server of the writer listener ("show stat" CSV:
# proxy, server, qcur, qmax, scur); empty when the admin socket does not answer.
writer_sessions() {
  admin "show stat" | awk -F, -v s="$1" '$1 == "${WRITER_BACKEND}" && $2 == s { print $5; exit }'
}
# Servers of the writer listener the running worker would give a new session (up, and neither
# drained nor in maintenance), from a saved "show servers state".
usable_writers() {
  awk -v be="${WRITER_BACKEND}" '$2 == be && $6 == 2 && $7 == 0 { print $4 }' "$1" 2>/dev/null
}
# The writer listener's one non-backup server.
active_writer() {
  awk '$1 == "listen" { section = $2 } section == "${WRITER_BACKEND}" && $1 == "server" && !/ backup( |$)/ { print $2; exit }' "$1"
}
# Every server of the writer listener.
writer_servers() {
  awk '$1 == "listen" { section = $2 } section == "${WRITER_BACKEND}" && $1 == "server" { print $2 }' "$1"
}

# Host names that did not resolve when the running config was loaded: HAProxy (without a
# resolvers section) keeps those servers down until a reload resolves them.
unresolved() {
  awk '$1 == "server" { sub(/:[0-9]+$/, "", $3); if ($3 !~ /^[0-9.]+$/) print $3 }' "$1" | sort -u | while read -r host; do
    timeout 2 getent hosts "$host" >/dev/null || echo "$host"
  done
}
# reload <reason> <config to apply>
reload() {
  old_writer="$(active_writer "${dir}/applied.cfg")"
  new_writer="$(active_writer "$2")"
  admin "show servers state" >"${serverStatePath(dir)}.new" && mv "${serverStatePath(dir)}.new" "${serverStatePath(dir)}" ||
    rm -f "${serverStatePath(dir)}.new"
  if [ -n "$old_writer" ] && [ "$old_writer" != "$new_writer" ]; then
    # A replaced writer that is still up (a planned move) takes no new sessions and gets a
    # moment for those it serves, so a transaction in flight commits; what is left is ended, so
    # no client keeps writing to a member that is no longer the writer. Meanwhile new sessions
    # go to the first usable backup: when the new writer is usable, every other backup is
    # drained too (also one that is down now: it may come up during the wait), so that is the
    # new writer and no third member takes writes. (These drains live only in the running
    # worker: the reload restores the state saved above.)
    if usable_writers "${serverStatePath(dir)}" | grep -qxF -- "$new_writer"; then
      for server in $(writer_servers "${dir}/applied.cfg"); do
        [ "$server" = "$new_writer" ] || [ "$server" = "$old_writer" ] ||
          admin "set server ${WRITER_BACKEND}/$server state drain" >/dev/null
      done
    fi
    admin "set server ${WRITER_BACKEND}/$old_writer state drain" >/dev/null
    for _ in $(seq 1 ${handoverTenths}); do
      left="$(writer_sessions "$old_writer")"
      { [ -z "$left" ] || [ "$left" = 0 ]; } && break
      sleep 0.1
    done
    admin "shutdown sessions server ${WRITER_BACKEND}/$old_writer" >/dev/null
  fi
  cmp -s "$2" "${dir}/applied.cfg" || cp "$2" "${dir}/applied.cfg"
  kill -USR2 "$master"
  pending="$(unresolved "${dir}/applied.cfg")"
  echo "haproxy-start: reloaded ($1; writer $old_writer -> $new_writer)" >&2
}

cp "$cfg" "${dir}/applied.cfg"
${haproxy} -W -db -S "${masterSocketPath(dir)}" -f "${dir}/applied.cfg" &
master=$!
trap 'kill -TERM "$master" 2>/dev/null; wait "$master"; exit 0' TERM INT
pending="$(unresolved "${dir}/applied.cfg")"

while kill -0 "$master" 2>/dev/null; do
  sleep ${options.pollSeconds ?? 1} &
  wait $!
  if ! cmp -s "$cfg" "${dir}/applied.cfg" && ! cmp -s "$cfg" "${dir}/rejected.cfg" 2>/dev/null; then
    if ${haproxy} -c -q -f "$cfg" >&2; then
      reload "configuration changed" "$cfg"
      continue
    fi
    echo "haproxy-start: the new configuration is invalid; keeping the running one" >&2
    cp "$cfg" "${dir}/rejected.cfg"
  fi
  if [ -n "$pending" ] && [ "$(unresolved "${dir}/applied.cfg")" != "$pending" ]; then
    reload "a member's name resolves now" "${dir}/applied.cfg"
  fi
done
wait "$master"
`;
}
