/** The sidecar's HTTP server: routes, auth, bounded handlers. */
import http from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createJsonServer, HttpError, readJsonBody, serializer, type Reply } from '../agent-http/server.js';
import { HEALTH_PATH, INSTRUCTION_PATH, REPORT_PATH, instructionSchema } from './api.js';
import { bearerMatches } from './auth.js';
import { decideInstruction, readPendingInstruction, writeInstruction } from './instruction.js';
import { INSTRUCTION_FILE_NAME, observe } from './observe.js';
import { buildReport } from './report.js';
import type { SidecarSettings } from './settings.js';

const MAX_BODY_BYTES = 4096;

export function createAgentServer(settings: SidecarSettings, log: Logger): http.Server {
  const instructionFile = path.join(settings.runDir, INSTRUCTION_FILE_NAME);
  // One instruction decision at a time, so two requests cannot both pass the checks.
  const serialized = serializer();

  async function report(): Promise<Reply> {
    return { status: 200, body: buildReport(await observe(settings)) };
  }

  async function instruct(req: http.IncomingMessage): Promise<Reply> {
    const parsed = instructionSchema.safeParse(await readJsonBody(req, MAX_BODY_BYTES));
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
    return serialized(run);
  }

  async function route(req: http.IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === HEALTH_PATH && req.method === 'GET') return { status: 200, body: { ok: true } };
    if (!bearerMatches(req.headers.authorization, settings.token)) throw new HttpError(401, 'unauthorized');
    if (url.pathname === REPORT_PATH && req.method === 'GET') return report();
    if (url.pathname === INSTRUCTION_PATH && req.method === 'POST') return instruct(req);
    throw new HttpError(404, 'not found');
  }

  return createJsonServer({ route, handlerTimeoutMs: settings.handlerTimeoutMs, log });
}
