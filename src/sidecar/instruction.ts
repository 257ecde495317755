/** Whether a waiting member may take an instruction (pure), and writing it (atomic). */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Instruction, MemberPhase } from '../galera/types.js';
import type { RefusalReason } from './api.js';

export interface InstructionContext {
  phase: MemberPhase;
  lastInstruction: Instruction | null;
  /** An instruction written but not yet taken by the entrypoint. */
  pending: Instruction | null;
}

export type InstructionDecision =
  | { accept: true; alreadyPending: boolean }
  | { accept: false; reason: RefusalReason; message: string };

export function decideInstruction(ctx: InstructionContext, requested: Instruction): InstructionDecision {
  const last = ctx.lastInstruction;
  if (last && requested.generation < last.generation) {
    return {
      accept: false,
      reason: 'stale-generation',
      message: `generation ${requested.generation} is older than the last taken (${last.action} ${last.generation})`,
    };
  }
  if (ctx.pending) {
    if (ctx.pending.action === requested.action && ctx.pending.generation === requested.generation) {
      return { accept: true, alreadyPending: true };
    }
    return {
      accept: false,
      reason: 'instruction-pending',
      message: `${ctx.pending.action} (generation ${ctx.pending.generation}) is already waiting to be taken`,
    };
  }
  if (ctx.phase !== 'Waiting') {
    return { accept: false, reason: 'not-waiting', message: `the member is ${ctx.phase}, not Waiting` };
  }
  return { accept: true, alreadyPending: false };
}

/** Reads a pending instruction file; null when absent or unreadable (the entrypoint ignores garbage). */
export async function readPendingInstruction(path: string): Promise<Instruction | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Instruction>;
    if ((parsed.action === 'bootstrap' || parsed.action === 'join') && Number.isInteger(parsed.generation)) {
      return { action: parsed.action, generation: parsed.generation as number };
    }
    return null;
  } catch {
    return null;
  }
}

/** Write-then-rename, so the entrypoint never reads half a file. */
export async function writeInstruction(path: string, instruction: Instruction): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify({ action: instruction.action, generation: instruction.generation }) + '\n', { mode: 0o644 });
  await rename(tmp, path);
}
