/** Synthetic member observations for the decision tests. */
import type { Instruction, MemberPhase } from '../../../src/galera/types.js';
import { decideLifecycle, type LifecycleInput } from '../../../src/galera/decisions/lifecycle.js';
import type { LifecycleDecision, RecoveryStatus } from '../../../src/galera/decisions/progress.js';
import {
  ZERO_UUID,
  type LiveGaleraState,
  type MemberObservation,
  type MissingMember,
  type ReportedMember,
  type UnreachableMember,
} from '../../../src/galera/decisions/observations.js';

export const UUID_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const UUID_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
export { ZERO_UUID };
export const NOW = new Date('2026-11-27T12:00:00Z');
export const LATER = new Date('2026-11-27T12:00:30Z');

export const podOf = (ordinal: number): string => `db-${ordinal}`;

export interface ReportOptions {
  phase?: MemberPhase;
  uuid?: string;
  seqno?: number;
  /** Force a null position. */
  noPosition?: boolean;
  stb?: boolean;
  empty?: boolean;
  interrupted?: boolean;
  lastInstruction?: Instruction | null;
  message?: string;
}

export function reported(ordinal: number, o: ReportOptions = {}): ReportedMember {
  return {
    kind: 'reported',
    pod: podOf(ordinal),
    ordinal,
    live: null,
    report: {
      pod: podOf(ordinal),
      phase: o.phase ?? 'Waiting',
      position: o.noPosition ? null : { uuid: o.uuid ?? UUID_A, seqno: o.seqno ?? 10 },
      safeToBootstrap: o.stb ?? false,
      datadirEmpty: o.empty ?? false,
      sstInterrupted: o.interrupted ?? false,
      lastInstruction: o.lastInstruction ?? null,
      ...(o.message === undefined ? {} : { message: o.message }),
    },
  };
}

export function emptyMember(ordinal: number, o: ReportOptions = {}): ReportedMember {
  return reported(ordinal, { noPosition: true, empty: true, ...o });
}

export function live(o: Partial<LiveGaleraState> = {}): LiveGaleraState {
  return { clusterStatus: 'Primary', localState: 4, lastCommitted: 10, stateUuid: UUID_A, confId: 3, clusterSize: 3, ...o };
}

/** mariadbd running; `state` null means it did not answer SQL in time. */
export function running(ordinal: number, state: LiveGaleraState | null, o: ReportOptions = {}): ReportedMember {
  return { ...reported(ordinal, { phase: 'Running', ...o }), live: state };
}

export const synced = (ordinal: number, o: Partial<LiveGaleraState> = {}): ReportedMember => running(ordinal, live(o));

export function unreachable(ordinal: number): UnreachableMember {
  return { kind: 'unreachable', pod: podOf(ordinal), ordinal };
}

export function missing(ordinal: number, pvcExists: boolean): MissingMember {
  return { kind: 'podMissing', pod: podOf(ordinal), ordinal, pvcExists };
}

/** All ways to pick `k` items (with repetition, in order) from `choices`. */
export function* tuples<T>(choices: readonly T[], k: number): Generator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (const head of choices) for (const rest of tuples(choices, k - 1)) yield [head, ...rest];
}

/** Small deterministic PRNG (mulberry32) so sampled tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same members in another order: reversed, then rotated by one. */
export function shuffled<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  return reversed.length > 1 ? [...reversed.slice(1), reversed[0] as T] : reversed;
}

/** The lifecycle with automatic recovery, UUID_A recorded, at NOW, unless overridden. */
export function decideWith(members: MemberObservation[], extra: Partial<LifecycleInput> = {}): LifecycleDecision {
  return decideLifecycle({ members, policy: { automatic: true }, now: NOW, recordedClusterUuid: UUID_A, ...extra });
}

export const doneRecovery = (generation: number): RecoveryStatus =>
  ({ generation, kind: 'FullCrash', phase: 'Done', source: 'db-0', chosenBy: 'operator', reported: {}, since: NOW.toISOString() });
