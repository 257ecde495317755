/** The proxy agent's HTTP server: bearer auth (shared with the member sidecar), bounded handlers. */
import http from 'node:http';
import type { Logger } from 'pino';
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

interface Reply {
  status: number;
  body: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > PROXY_AGENT_MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(503, `handler took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createProxyAgentServer(settings: ProxyAgentSettings, log: Logger): http.Server {
  // Writes one at a time: a config push and a drain change never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
  const state = () => readProxyState(settings.runtimeDir, settings.configPath);

  async function route(req: http.IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === PROXY_HEALTH_PATH && req.method === 'GET') return { status: 200, body: { ok: true } };
    if (!bearerMatches(req.headers.authorization, settings.token)) throw new HttpError(401, 'unauthorized');
    if (url.pathname === PROXY_STATE_PATH && req.method === 'GET') return { status: 200, body: await state() };
    if (url.pathname === PROXY_CONFIG_PATH && req.method === 'PUT') {
      const parsed = configRequestSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, 'expected {config: string}');
      const hash = await serialized(() => writeConfig(settings.configPath, parsed.data.config));
      log.info({ hash }, 'configuration written');
      return { status: 200, body: await state() };
    }
    if (url.pathname === PROXY_DRAINED_PATH && req.method === 'PUT') {
      const parsed = drainedRequestSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, 'expected {members: string[]}');
      const changed = await serialized(() => setDrainedMembers(settings.runtimeDir, parsed.data.members));
      if (changed.length > 0) log.info({ drained: parsed.data.members, changed }, 'drain states set');
      return { status: 200, body: await state() };
    }
    throw new HttpError(404, 'not found');
  }

  const server = http.createServer((req, res) => {
    withTimeout(route(req), settings.handlerTimeoutMs)
      .catch((err: unknown): Reply => {
        if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
        log.warn({ err: (err as Error).message }, 'handler failed');
        return { status: 500, body: { error: (err as Error).message } };
      })
      .then((reply) => {
        if (res.headersSent) return;
        res.writeHead(reply.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(reply.body));
      });
  });
  server.requestTimeout = settings.handlerTimeoutMs + 2000;
  server.headersTimeout = settings.handlerTimeoutMs + 1000;
  server.keepAliveTimeout = 5000;
  return server;
}
