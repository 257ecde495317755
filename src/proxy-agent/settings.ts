/** The proxy agent's settings, from its environment. */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { PROXY_AGENT_PORT } from './api.js';

export interface ProxyAgentSettings {
  /** The pod IP; never a wildcard (on the local cluster every pod shares the host network). */
  listenHost: string;
  port: number;
  token: string;
  /** HAProxy's runtime directory (shared emptyDir): admin socket, applied.cfg. */
  runtimeDir: string;
  /** The config file the start script watches; the agent writes it. */
  configPath: string;
  handlerTimeoutMs: number;
}

export const DEFAULT_RUNTIME_DIR = '/run/haproxy';

export function loadProxyAgentSettings(env: NodeJS.ProcessEnv = process.env): ProxyAgentSettings {
  const listenHost = env.AGENT_LISTEN_HOST ?? env.POD_IP ?? '';
  if (!net.isIP(listenHost)) throw new Error(`POD_IP must be an IP address, got '${listenHost}'`);
  if (listenHost === '0.0.0.0' || listenHost === '::') throw new Error('refusing to bind a wildcard address');
  const token = env.AGENT_TOKEN_FILE ? readFileSync(env.AGENT_TOKEN_FILE, 'utf8').trim() : (env.AGENT_TOKEN ?? '').trim();
  if (token.length < 16) throw new Error('AGENT_TOKEN (or AGENT_TOKEN_FILE) must hold a token of at least 16 characters');
  const port = Number(env.AGENT_PORT ?? PROXY_AGENT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AGENT_PORT is not a port: ${env.AGENT_PORT}`);
  const runtimeDir = env.HAPROXY_RUNTIME_DIR ?? DEFAULT_RUNTIME_DIR;
  return {
    listenHost,
    port,
    token,
    runtimeDir,
    configPath: env.HAPROXY_CONFIG_PATH ?? `${runtimeDir}/haproxy.cfg`,
    handlerTimeoutMs: Number(env.AGENT_HANDLER_TIMEOUT_MS ?? 8000),
  };
}
