/**
 * The ProxySQL container's command: fill the ConfigMap template (config-file.ts) from the pod
 * IP and the Secret-backed environment into a 0600 file in the pod-lifetime datadir, then run
 * ProxySQL in the foreground. Passwords pass through the environment and bash builtins only,
 * never a command line (visible in ps).
 *
 * Usage: bash -c "$SCRIPT" proxysql-start <template> <datadir>
 * Later container restarts in the same pod find proxysql.db in the datadir and start from the
 * state the operator saved to disk (ProxySQL reads the file only without a database).
 */
import { PROXYSQL_ENV } from './config-file.js';

export function renderProxySQLStartScript(binary = 'proxysql'): string {
  const names = Object.values(PROXYSQL_ENV).join(' ');
  return String.raw`#!/bin/bash
set -euo pipefail
template="$1"
datadir="$2"
conf="$(<"$template")"
for name in ${names}; do
  value="${'${!name:-}'}"
  if [ -z "$value" ]; then echo "proxysql-start: $name is not set" >&2; exit 1; fi
  case "$value" in
    *[[:space:]\"\\:\;@]*) echo "proxysql-start: $name holds a character proxysql.cnf cannot carry" >&2; exit 1 ;;
  esac
  conf="${'${conf//"@@${name}@@"/"$value"}'}"
done
umask 077
printf '%s\n' "$conf" > "$datadir/proxysql.cnf"
exec ${binary} -f -c "$datadir/proxysql.cnf" -D "$datadir"
`;
}
