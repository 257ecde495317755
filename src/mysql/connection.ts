/**
 * One short-lived connection per operation: connect with a timeout, run statements one at a time
 * (`query`, never `execute`, never multipleStatements), each bounded, always closed afterwards.
 */
import mysql from 'mysql2/promise';
import { classifySqlError, type SqlResult } from './errors.js';

export interface MemberEndpoint {
  /** Pod IP or DNS name; ignored when socketPath is set. */
  host: string;
  port?: number;
  socketPath?: string;
  user: string;
  password: string;
}

export interface SqlTimeouts {
  connectMs: number;
  queryMs: number;
}

export const DEFAULT_TIMEOUTS: SqlTimeouts = { connectMs: 3000, queryMs: 5000 };

export interface Statement {
  sql: string;
  params?: unknown[];
  /** The statement (with params filled in) contains a secret: keep the server's text out of errors. */
  secret?: boolean;
  /** Short name for errors and logs, e.g. "create user app". */
  label: string;
}

export interface SqlSession {
  query<Row = Record<string, unknown>>(statement: Statement): Promise<SqlResult<Row[]>>;
}

/**
 * Opens a connection, runs `work`, closes the connection. A hard deadline (connect + query
 * timeouts per statement) destroys the connection if the driver's own timers do not fire.
 */
export async function withSession<T>(
  member: MemberEndpoint,
  work: (session: SqlSession) => Promise<SqlResult<T>>,
  timeouts: SqlTimeouts = DEFAULT_TIMEOUTS,
): Promise<SqlResult<T>> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: member.socketPath ? undefined : member.host,
      port: member.socketPath ? undefined : (member.port ?? 3306),
      socketPath: member.socketPath,
      user: member.user,
      password: member.password,
      connectTimeout: timeouts.connectMs,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  } catch (err) {
    return { ok: false, error: classifySqlError(err, `connect to ${member.socketPath ?? member.host}`, true) };
  }
  connection.on('error', () => undefined); // a late socket error must not crash the process
  const session: SqlSession = {
    async query<Row>(statement: Statement): Promise<SqlResult<Row[]>> {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          connection.destroy();
          reject(Object.assign(new Error('statement deadline passed'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
        }, timeouts.queryMs + 500);
      });
      try {
        const [rows] = await Promise.race([
          connection.query({ sql: statement.sql, values: statement.params, timeout: timeouts.queryMs }),
          deadline,
        ]);
        return { ok: true, value: (Array.isArray(rows) ? rows : []) as Row[] };
      } catch (err) {
        return { ok: false, error: classifySqlError(err, statement.label, statement.secret) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
  try {
    return await work(session);
  } catch (err) {
    return { ok: false, error: classifySqlError(err, 'session', true) };
  } finally {
    connection.end().catch(() => connection.destroy());
  }
}

/** Runs statements in order on one connection; stops at the first failure. */
export async function runStatements(member: MemberEndpoint, statements: Statement[], timeouts?: SqlTimeouts): Promise<SqlResult<number>> {
  return withSession(
    member,
    async (session) => {
      for (const statement of statements) {
        const result = await session.query(statement);
        if (!result.ok) return result;
      }
      return { ok: true, value: statements.length };
    },
    timeouts,
  );
}
