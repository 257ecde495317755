/**
 * The backup Job's command (bash). It
 * 1. writes root's option file (0600, the pod's private /tmp) from the Secret-backed
 *    environment, so no password is ever on a command line;
 * 2. removes what is left of backups whose MySQLBackup objects were deleted (retention or a
 *    person): only directories this script wrote (they hold `backup.json`) or left unfinished;
 * 3. physical: `mariadb-backup --backup` from the source member's data directory (mounted read
 *    only on the member's node) and `--prepare`, so a restore is a plain copy; logical:
 *    `mariadb-dump --single-transaction` of every database except the system ones, gzipped;
 * 4. works in `.<name>.partial` and renames it when complete, so a directory without the dot
 *    is always a whole backup, and prints one result line the operator reads from the log.
 */
import { DATA_DIR, MYSQL_PORT } from '../galera/scripts/layout.js';

export const BACKUP_ROOT = '/backups';
export const RESULT_PREFIX = 'galera-backup-result';

export const BACKUP_ENV = {
  name: 'BACKUP_NAME',
  method: 'BACKUP_METHOD',
  sourceHost: 'SOURCE_HOST',
  sourceMember: 'SOURCE_MEMBER',
  /** Space-separated names of the cluster's MySQLBackups: every other directory may go. */
  keep: 'KEEP_BACKUPS',
  rootPassword: 'MARIADB_ROOT_PASSWORD',
} as const;

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

export function renderBackupScript(): string {
  const e = BACKUP_ENV;
  const systemList = SYSTEM_SCHEMAS.map((s) => `'${s}'`).join(',');
  return String.raw`set -euo pipefail
umask 077
for name in ${e.name} ${e.method} ${e.sourceHost} ${e.sourceMember} ${e.rootPassword}; do
  [ -n "${'${!name:-}'}" ] || { echo "backup: $name is not set" >&2; exit 2; }
done
cnf="$(mktemp)"
printf '[client]\nuser=root\npassword="%s"\n' "$${e.rootPassword}" >"$cnf"
unset ${e.rootPassword}
conn=(--defaults-extra-file="$cnf" --host="$${e.sourceHost}" --port=${MYSQL_PORT})

root=${BACKUP_ROOT}
for dir in "$root"/* "$root"/.*.partial; do
  [ -d "$dir" ] || continue
  name="$(basename "$dir")"; name="${'${name#.}'}"; name="${'${name%.partial}'}"
  case " $${e.keep} " in *" $name "*) continue ;; esac
  if [ -f "$dir/backup.json" ] || [[ "$dir" == *.partial ]]; then
    echo "backup: removing $name (its MySQLBackup no longer exists)" >&2
    rm -rf -- "$dir"
  fi
done

work="$root/.$${e.name}.partial"
target="$root/$${e.name}"
rm -rf -- "$work"
mkdir -p "$work"
case "$${e.method}" in
  physical)
    mariadb-backup "${'${conn[@]}'}" --backup --galera-info --datadir=${DATA_DIR} --target-dir="$work/data"
    mariadb-backup --prepare --target-dir="$work/data"
    ;;
  logical)
    list="$(mariadb "${'${conn[@]}'}" -N -B -e \
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (${systemList}) ORDER BY schema_name")"
    mapfile -t databases <<<"$list"
    [ -n "$list" ] || databases=()
    [ ${'${#databases[@]}'} -gt 0 ] || { echo "backup: the member has no database to dump" >&2; exit 3; }
    mariadb-dump "${'${conn[@]}'}" --single-transaction --routines --events --triggers --databases "${'${databases[@]}'}" |
      gzip >"$work/dump.sql.gz"
    ;;
  *) echo "backup: unknown method $${e.method}" >&2; exit 2 ;;
esac
printf '{"name":"%s","method":"%s","member":"%s","completed":"%s"}\n' \
  "$${e.name}" "$${e.method}" "$${e.sourceMember}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/backup.json"
rm -rf -- "$target"
mv -- "$work" "$target"
rm -f -- "$cnf"
echo "${RESULT_PREFIX} size=$(du -sb -- "$target" | cut -f1)"
`;
}

/** The size the script reported in its last result line, if any. */
export function parseBackupResult(log: string): { sizeBytes: number } | undefined {
  const lines = log.trim().split('\n').reverse();
  const line = lines.find((l) => l.startsWith(`${RESULT_PREFIX} `));
  const size = line?.match(/ size=(\d+)/)?.[1];
  return size === undefined ? undefined : { sizeBytes: Number(size) };
}
