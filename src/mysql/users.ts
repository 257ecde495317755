/** Idempotent users and grants for the application and the monitor (statements built purely). */
import { runStatements, type MemberEndpoint, type SqlTimeouts, type Statement } from './connection.js';
import type { SqlResult } from './errors.js';

export interface AccountSpec {
  user: string;
  password: string;
  /** Hosts the account may connect from, e.g. ['%'] or ['127.%']. */
  hosts: string[];
}

export interface UsersSpec {
  app?: AccountSpec & { database: string };
  /** USAGE only: enough to read wsrep status (probes, proxies). */
  monitor?: AccountSpec;
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

function accountStatements(account: AccountSpec, label: string): Statement[] {
  if (!account.user || account.user.length > 80) throw new Error(`${label}: invalid user name`);
  if (account.hosts.length === 0) throw new Error(`${label}: no hosts`);
  return account.hosts.flatMap((host) => [
    {
      sql: 'CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?',
      params: [account.user, host, account.password],
      secret: true,
      label: `create user ${label}@${host}`,
    },
    {
      // Keeps the password equal to the Secret's if someone changed it.
      sql: 'ALTER USER ?@? IDENTIFIED BY ?',
      params: [account.user, host, account.password],
      secret: true,
      label: `set password of ${label}@${host}`,
    },
  ]);
}

/** The statements ensureUsers runs, in order (pure; exported for tests). */
export function userStatements(spec: UsersSpec): Statement[] {
  const statements: Statement[] = [];
  if (spec.app) {
    const { database } = spec.app;
    if (!IDENTIFIER.test(database)) throw new Error('app database name must match [A-Za-z0-9_]{1,64}');
    statements.push({ sql: 'CREATE DATABASE IF NOT EXISTS ??', params: [database], label: `create database ${database}` });
    statements.push(...accountStatements(spec.app, 'app'));
    for (const host of spec.app.hosts) {
      statements.push({
        sql: 'GRANT ALL PRIVILEGES ON ??.* TO ?@?',
        params: [database, spec.app.user, host],
        label: `grant app@${host} on ${database}`,
      });
    }
  }
  if (spec.monitor) {
    statements.push(...accountStatements(spec.monitor, 'monitor'));
  }
  return statements;
}

export async function ensureUsers(member: MemberEndpoint, spec: UsersSpec, timeouts?: SqlTimeouts): Promise<SqlResult<number>> {
  let statements: Statement[];
  try {
    statements = userStatements(spec);
  } catch (err) {
    return { ok: false, error: { kind: 'sql', message: (err as Error).message } };
  }
  return runStatements(member, statements, timeouts);
}
