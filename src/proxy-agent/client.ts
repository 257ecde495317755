/**
 * The operator's client to a proxy pod's agent. Every call is bounded and returns a value,
 * never throws; a failure carries a message fit for a condition (no token, no config text).
 */
import {
  PROXY_AGENT_PORT,
  PROXY_CONFIG_PATH,
  PROXY_DRAINED_PATH,
  PROXY_STATE_PATH,
  proxyStateSchema,
  type ProxyState,
} from './api.js';

export interface ProxyAgentEndpoint {
  host: string;
  port?: number;
  token: string;
}

export type ProxyAgentResult = { ok: true; state: ProxyState } | { ok: false; message: string };

export const DEFAULT_PROXY_AGENT_TIMEOUT_MS = 4000;

async function call(endpoint: ProxyAgentEndpoint, method: string, path: string, body: unknown, timeoutMs: number): Promise<ProxyAgentResult> {
  const url = `http://${endpoint.host}:${endpoint.port ?? PROXY_AGENT_PORT}${path}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${endpoint.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, message: `${path}: ${timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message)}` };
  }
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(text);
  } catch {
    return { ok: false, message: `${path}: HTTP ${response.status}, body is not JSON` };
  }
  if (response.status !== 200) {
    const reason = (parsedBody as { error?: unknown })?.error;
    return { ok: false, message: `${path}: HTTP ${response.status}${reason ? `: ${String(reason)}` : ''}` };
  }
  const state = proxyStateSchema.safeParse(parsedBody);
  if (!state.success) return { ok: false, message: `${path}: answer does not match the contract` };
  return { ok: true, state: state.data };
}

export function getProxyState(endpoint: ProxyAgentEndpoint, timeoutMs = DEFAULT_PROXY_AGENT_TIMEOUT_MS): Promise<ProxyAgentResult> {
  return call(endpoint, 'GET', PROXY_STATE_PATH, undefined, timeoutMs);
}

export function pushProxyConfig(endpoint: ProxyAgentEndpoint, config: string, timeoutMs = DEFAULT_PROXY_AGENT_TIMEOUT_MS): Promise<ProxyAgentResult> {
  return call(endpoint, 'PUT', PROXY_CONFIG_PATH, { config }, timeoutMs);
}

export function setDrained(endpoint: ProxyAgentEndpoint, members: readonly string[], timeoutMs = DEFAULT_PROXY_AGENT_TIMEOUT_MS): Promise<ProxyAgentResult> {
  return call(endpoint, 'PUT', PROXY_DRAINED_PATH, { members }, timeoutMs);
}
