/** SQL to the members of a test cluster, as root over the pod IPs (as scripts do). */
import mysql from 'mysql2/promise';
import { podIp, secretValue } from './kube.js';

export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

export async function rootTarget(namespace: string, cluster: string, pod: string): Promise<Target> {
  return { host: await podIp(namespace, pod), port: 3306, user: 'root', password: await secretValue(namespace, `${cluster}-credentials`, 'root-password') };
}

/** One connection per call, bounded: opens, runs `sql`, closes. */
export async function query<T = Record<string, unknown>>(target: Target, sql: string, params: unknown[] = [], timeoutMs = 5000): Promise<T[]> {
  const connection = await mysql.createConnection({ ...target, connectTimeout: timeoutMs });
  try {
    const [rows] = await connection.query({ sql, values: params, timeout: timeoutMs });
    return rows as T[];
  } finally {
    connection.destroy();
  }
}
