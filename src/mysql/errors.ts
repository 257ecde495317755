/** Typed SQL failures. Messages never carry statement text (it may hold a password). */

export type SqlFailureKind =
  /** No connection: refused, reset, host unknown. The member's state is unknown, not "down". */
  | 'unreachable'
  /** Connect or statement did not finish in time (a paused server still accepts TCP). */
  | 'timeout'
  /** Credentials rejected. */
  | 'auth'
  /** The member is not in a Primary component / not ready for queries (ER_UNKNOWN_COM_ERROR 1047). */
  | 'not-ready'
  /** Any other server error. */
  | 'sql';

export interface SqlFailure {
  kind: SqlFailureKind;
  /** mysql2 / server error code, e.g. ER_ACCESS_DENIED_ERROR, ECONNREFUSED. */
  code?: string;
  errno?: number;
  message: string;
}

export type SqlResult<T> = { ok: true; value: T } | { ok: false; error: SqlFailure };

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOENT', 'PROTOCOL_CONNECTION_LOST']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT']);
const AUTH_ERRNOS = new Set([1045, 1044, 1698]);
const NOT_READY_ERRNOS = new Set([1047]);

interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

/**
 * Classifies a mysql2 error. With `secret`, the server's message is dropped too, since a syntax
 * error quotes the statement ("near '…'"), password included.
 */
export function classifySqlError(err: unknown, context: string, secret = false): SqlFailure {
  const e = (err ?? {}) as DriverError;
  const code = e.code;
  const errno = typeof e.errno === 'number' && e.errno > 0 ? e.errno : undefined;
  const detail = secret ? `${code ?? 'error'}${errno ? ` (${errno})` : ''}` : (e.sqlMessage ?? e.message ?? String(err));
  const message = `${context}: ${detail}`;
  if (errno !== undefined && AUTH_ERRNOS.has(errno)) return { kind: 'auth', code, errno, message };
  if (errno !== undefined && NOT_READY_ERRNOS.has(errno)) return { kind: 'not-ready', code, errno, message };
  if (code && TIMEOUT_CODES.has(code)) return { kind: 'timeout', code, errno, message };
  if (code && UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', code, errno, message };
  if (errno !== undefined) return { kind: 'sql', code, errno, message };
  return { kind: 'unreachable', code, message };
}
