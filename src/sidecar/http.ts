/** The sidecar's HTTP server: routes, auth, bounded handlers. */
import http from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { HEALTH_PATH, INSTRUCTION_PATH, REPORT_PATH, instructionSchema } from './api.js';
import { bearerMatches } from './auth.js';
import { decideInstruction, readPendingInstruction, writeInstruction } from './instruction.js';
import { INSTRUCTION_FILE_NAME, observe } from './observe.js';
import { buildReport } from './report.js';
import type { SidecarSettings } from './settings.js';

const MAX_BODY_BYTES = 4096;

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

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
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

export function createAgentServer(settings: SidecarSettings, log: Logger): http.Server {
  const instructionFile = path.join(settings.runDir, INSTRUCTION_FILE_NAME);
  // One instruction decision at a time, so two requests cannot both pass the checks.
  let instructionQueue: Promise<unknown> = Promise.resolve();

  async function report(): Promise<Reply> {
    return { status: 200, body: buildReport(await observe(settings)) };
  }

  async function instruct(req: http.IncomingMessage): Promise<Reply> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'body is not JSON');
    }
    const parsed = instructionSchema.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, `invalid instruction: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    const requested = parsed.data;
    const run = async (): Promise<Reply> => {
      const current = buildReport(await observe(settings));
      const pending = await readPendingInstruction(instructionFile);
      const decision = decideInstruction({ phase: current.phase, lastInstruction: current.lastInstruction, pending }, requested);
      if (!decision.accept) {
        log.info({ requested, reason: decision.reason, phase: current.phase }, 'instruction refused');
        return { status: 409, body: { accepted: false, reason: decision.reason, message: decision.message, phase: current.phase } };
      }
      if (!decision.alreadyPending) await writeInstruction(instructionFile, requested);
      log.info({ requested, alreadyPending: decision.alreadyPending }, 'instruction accepted');
      return { status: 200, body: { accepted: true, instruction: requested } };
    };
    const result = instructionQueue.then(run, run);
    instructionQueue = result.catch(() => undefined);
    return result;
  }

  async function route(req: http.IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === HEALTH_PATH && req.method === 'GET') return { status: 200, body: { ok: true } };
    if (!bearerMatches(req.headers.authorization, settings.token)) throw new HttpError(401, 'unauthorized');
    if (url.pathname === REPORT_PATH && req.method === 'GET') return report();
    if (url.pathname === INSTRUCTION_PATH && req.method === 'POST') return instruct(req);
    throw new HttpError(404, 'not found');
  }

  const server = http.createServer((req, res) => {
    withTimeout(route(req), settings.handlerTimeoutMs)
      .catch((err: unknown): Reply => {
        if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
        log.error({ err: (err as Error).message }, 'handler failed');
        return { status: 500, body: { error: 'internal error' } };
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
