/**
 * The operator's client to a member's sidecar. Every call is bounded by a timeout and returns a
 * value, never throws: a failure says whether the agent was unreachable (unknown state — not
 * "absent"), answered with a refusal, rejected the token, or answered something unexpected.
 */
import { AGENT_PORT } from './scripts/layout.js';
import type { Instruction, MemberReport } from './types.js';
import {
  INSTRUCTION_PATH,
  REPORT_PATH,
  acceptanceSchema,
  memberReportSchema,
  refusalSchema,
  type InstructionRefusal,
} from '../sidecar/api.js';

export interface AgentEndpoint {
  /** The pod IP (or a name that resolves to it). */
  host: string;
  port?: number;
  token: string;
}

export type AgentFailure =
  /** No HTTP answer: connection refused/reset, DNS failure, or timeout. The member's state is unknown. */
  | { kind: 'unreachable'; timedOut: boolean; message: string }
  /** The agent rejected the token (401). */
  | { kind: 'unauthorized'; message: string }
  /** The agent answered with a status or body this client does not understand. */
  | { kind: 'bad-response'; status: number; message: string };

export type AgentResult<T> = { ok: true; value: T } | { ok: false; error: AgentFailure };

export type InstructionOutcome = { accepted: true; instruction: Instruction } | ({ accepted: false } & Omit<InstructionRefusal, 'accepted'>);

export const DEFAULT_AGENT_TIMEOUT_MS = 3000;

function baseUrl(endpoint: AgentEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `http://${host}:${endpoint.port ?? AGENT_PORT}`;
}

interface RawAnswer {
  status: number;
  body: unknown;
}

async function call(endpoint: AgentEndpoint, path: string, init: RequestInit, timeoutMs: number): Promise<AgentResult<RawAnswer>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(baseUrl(endpoint) + path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${endpoint.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const detail = timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, error: { kind: 'unreachable', timedOut, message: `${path}: ${detail}` } };
  }
  if (response.status === 401) return { ok: false, error: { kind: 'unauthorized', message: `${path}: token rejected` } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: { kind: 'bad-response', status: response.status, message: `${path}: body is not JSON` } };
  }
  return { ok: true, value: { status: response.status, body } };
}

function badResponse(status: number, path: string, body: unknown): AgentResult<never> {
  const reason = typeof body === 'object' && body && 'error' in body ? String((body as { error: unknown }).error) : 'unexpected answer';
  return { ok: false, error: { kind: 'bad-response', status, message: `${path}: HTTP ${status}: ${reason}` } };
}

export async function getReport(endpoint: AgentEndpoint, timeoutMs = DEFAULT_AGENT_TIMEOUT_MS): Promise<AgentResult<MemberReport>> {
  const answer = await call(endpoint, REPORT_PATH, { method: 'GET' }, timeoutMs);
  if (!answer.ok) return answer;
  const { status, body } = answer.value;
  if (status !== 200) return badResponse(status, REPORT_PATH, body);
  const parsed = memberReportSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, error: { kind: 'bad-response', status, message: `${REPORT_PATH}: report does not match the contract: ${parsed.error.issues[0]?.message}` } };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Sends an instruction. `accepted: false` is a definite refusal (the member is not Waiting, the
 * generation is stale, or another instruction is pending). After an `unreachable` failure the
 * instruction may or may not have been written: read the report (lastInstruction) before retrying.
 */
export async function sendInstruction(
  endpoint: AgentEndpoint,
  instruction: Instruction,
  timeoutMs = DEFAULT_AGENT_TIMEOUT_MS,
): Promise<AgentResult<InstructionOutcome>> {
  const answer = await call(
    endpoint,
    INSTRUCTION_PATH,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(instruction) },
    timeoutMs,
  );
  if (!answer.ok) return answer;
  const { status, body } = answer.value;
  if (status === 200) {
    const accepted = acceptanceSchema.safeParse(body);
    if (accepted.success) return { ok: true, value: accepted.data };
  }
  if (status === 409) {
    const refused = refusalSchema.safeParse(body);
    if (refused.success) return { ok: true, value: refused.data };
  }
  return badResponse(status, INSTRUCTION_PATH, body);
}
