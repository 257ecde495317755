/**
 * The sidecar's HTTP API, shared by the sidecar and the operator's client (agent-client.ts).
 *   GET  /healthz          → 200 "ok" (no auth)
 *   GET  /v1/report        → 200 MemberReport
 *   POST /v1/instruction   → 200 {accepted, instruction} | 409 InstructionRefusal | 400
 * Everything but /healthz needs `Authorization: Bearer <token>`.
 */
import { z } from 'zod';
import type { Instruction, MemberReport } from '../galera/types.js';

export const REPORT_PATH = '/v1/report';
export const INSTRUCTION_PATH = '/v1/instruction';
export const HEALTH_PATH = '/healthz';

export const instructionSchema = z.object({
  action: z.enum(['bootstrap', 'join']),
  generation: z.number().int().nonnegative(),
});

const positionSchema = z.object({ uuid: z.string(), seqno: z.number().int() });

export const memberReportSchema = z.object({
  pod: z.string(),
  phase: z.enum(['Initializing', 'Recovering', 'Waiting', 'Starting', 'Running', 'Failed']),
  position: positionSchema.nullable(),
  safeToBootstrap: z.boolean(),
  datadirEmpty: z.boolean(),
  sstInterrupted: z.boolean(),
  lastInstruction: instructionSchema.nullable(),
  message: z.string().optional(),
  positionSource: z.enum(['grastate', 'wsrep-recover']).nullable().optional(),
  sstInProgress: z.boolean().optional(),
  bootId: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** Why a sidecar refused an instruction (HTTP 409). */
export type RefusalReason = 'not-waiting' | 'stale-generation' | 'instruction-pending';

export const refusalSchema = z.object({
  accepted: z.literal(false),
  reason: z.enum(['not-waiting', 'stale-generation', 'instruction-pending']),
  message: z.string(),
  phase: memberReportSchema.shape.phase,
});
export type InstructionRefusal = z.infer<typeof refusalSchema>;

export const acceptanceSchema = z.object({
  accepted: z.literal(true),
  instruction: instructionSchema,
});

// The zod schemas must describe exactly the contract types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reportMatchesContract: Same<z.infer<typeof memberReportSchema>, MemberReport> = true;
const instructionMatchesContract: Same<z.infer<typeof instructionSchema>, Instruction> = true;
void reportMatchesContract;
void instructionMatchesContract;
