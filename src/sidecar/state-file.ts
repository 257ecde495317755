/** The entrypoint's state.json (written atomically by the bash entrypoint). */
import { z } from 'zod';
import { instructionSchema } from './api.js';

export const stateFileSchema = z.object({
  version: z.literal(1),
  pod: z.string(),
  bootId: z.string(),
  phase: z.enum(['Initializing', 'Recovering', 'Waiting', 'Starting', 'Failed']),
  position: z.object({ uuid: z.string(), seqno: z.number().int() }).nullable(),
  positionSource: z.enum(['grastate', 'wsrep-recover']).nullable(),
  safeToBootstrap: z.boolean(),
  datadirEmpty: z.boolean(),
  sstInterrupted: z.boolean(),
  lastInstruction: instructionSchema.nullable(),
  message: z.string(),
  updatedAt: z.string(),
});
export type StateFile = z.infer<typeof stateFileSchema>;

export type StateFileRead = { kind: 'missing' } | { kind: 'invalid'; message: string } | { kind: 'ok'; state: StateFile };

export function parseStateFile(text: string): StateFileRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', message: `state.json is not JSON: ${(err as Error).message}` };
  }
  const parsed = stateFileSchema.safeParse(raw);
  return parsed.success ? { kind: 'ok', state: parsed.data } : { kind: 'invalid', message: `state.json: ${parsed.error.message}` };
}
