/** The sidecar's settings, from its environment. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { AGENT_PORT, DATA_DIR, GALERA_RUN_DIR, MYSQL_PORT, SOCKET_PATH } from '../galera/scripts/layout.js';

export interface SidecarSettings {
  podName: string;
  /** The pod IP: on the local cluster every pod shares the host network, so never a wildcard. */
  listenHost: string;
  port: number;
  token: string;
  runDir: string;
  dataDir: string;
  socketPath: string;
  /** Used when the socket is not mounted into the sidecar. */
  mysqlPort: number;
  /** Upper bound for any request handler. */
  handlerTimeoutMs: number;
  /** Upper bound for the "does mariadbd answer" check. */
  serverCheckTimeoutMs: number;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): SidecarSettings {
  const podName = env.POD_NAME ?? '';
  const listenHost = env.AGENT_LISTEN_HOST ?? env.POD_IP ?? '';
  if (!podName) throw new Error('POD_NAME is not set');
  if (!net.isIP(listenHost)) throw new Error(`POD_IP must be an IP address, got '${listenHost}'`);
  if (listenHost === '0.0.0.0' || listenHost === '::') throw new Error('refusing to bind a wildcard address');
  const token = env.AGENT_TOKEN_FILE ? readFileSync(env.AGENT_TOKEN_FILE, 'utf8').trim() : (env.AGENT_TOKEN ?? '').trim();
  if (token.length < 16) throw new Error('AGENT_TOKEN (or AGENT_TOKEN_FILE) must hold a token of at least 16 characters');
  const port = Number(env.AGENT_PORT ?? AGENT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AGENT_PORT is not a port: ${env.AGENT_PORT}`);
  return {
    podName,
    listenHost,
    port,
    token,
    runDir: env.GALERA_RUN_DIR ?? GALERA_RUN_DIR,
    dataDir: env.DATA_DIR ?? DATA_DIR,
    socketPath: env.MYSQL_SOCKET ?? SOCKET_PATH,
    mysqlPort: Number(env.MYSQL_PORT ?? MYSQL_PORT),
    handlerTimeoutMs: 3000,
    serverCheckTimeoutMs: 1000,
  };
}
