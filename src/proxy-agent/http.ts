/** The proxy agent's HTTP server: bearer auth (shared with the member sidecar), bounded handlers. */
import http from 'node:http';
import type { Logger } from 'pino';
import { createJsonServer, HttpError, readJsonBody, serializer, type Reply } from '../agent-http/server.js';
import { bearerMatches } from '../sidecar/auth.js';
import {
  configRequestSchema,
  drainedRequestSchema,
  PROXY_AGENT_MAX_BODY_BYTES,
  PROXY_CONFIG_PATH,
  PROXY_DRAINED_PATH,
  PROXY_HEALTH_PATH,
  PROXY_STATE_PATH,
} from './api.js';
import { readProxyState, setDrainedMembers, writeConfig } from './haproxy-state.js';
import type { ProxyAgentSettings } from './settings.js';

export function createProxyAgentServer(settings: ProxyAgentSettings, log: Logger): http.Server {
  // Writes one at a time: a config push and a drain change never interleave.
  const serialized = serializer();
  const state = () => readProxyState(settings.runtimeDir, settings.configPath);

  async function route(req: http.IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === PROXY_HEALTH_PATH && req.method === 'GET') return { status: 200, body: { ok: true } };
    if (!bearerMatches(req.headers.authorization, settings.token)) throw new HttpError(401, 'unauthorized');
    if (url.pathname === PROXY_STATE_PATH && req.method === 'GET') return { status: 200, body: await state() };
    if (url.pathname === PROXY_CONFIG_PATH && req.method === 'PUT') {
      const parsed = configRequestSchema.safeParse(await readJsonBody(req, PROXY_AGENT_MAX_BODY_BYTES));
      if (!parsed.success) throw new HttpError(400, 'expected {config: string}');
      const hash = await serialized(() => writeConfig(settings.configPath, parsed.data.config));
      log.info({ hash }, 'configuration written');
      return { status: 200, body: await state() };
    }
    if (url.pathname === PROXY_DRAINED_PATH && req.method === 'PUT') {
      const parsed = drainedRequestSchema.safeParse(await readJsonBody(req, PROXY_AGENT_MAX_BODY_BYTES));
      if (!parsed.success) throw new HttpError(400, 'expected {members: string[]}');
      const changed = await serialized(() => setDrainedMembers(settings.runtimeDir, parsed.data.members));
      if (changed.length > 0) log.info({ drained: parsed.data.members, changed }, 'drain states set');
      return { status: 200, body: await state() };
    }
    throw new HttpError(404, 'not found');
  }

  return createJsonServer({ route, handlerTimeoutMs: settings.handlerTimeoutMs, log, exposeErrors: true });
}
