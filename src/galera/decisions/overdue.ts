/**
 * Time bounds on the phases of a recovery. A phase that lasts longer than its bound raises a
 * condition and an Event for a person — it never triggers a retry, a new election or anything
 * else destructive (mariadb-operator #1108: a timeout that reset recovery bootstrapped an empty
 * node). Bounds grow with the data: wsrep-recover, a bootstrap's crash recovery and an SST all
 * take longer on a bigger volume.
 */
import type { RecoveryPhase, RecoveryStatus } from './progress.js';

const MINUTE_MS = 60_000;
const GIB = 1024 ** 3;

/** Base bound per phase, plus this much per GiB of member storage. */
const PHASE_BOUNDS: Partial<Record<RecoveryPhase, { baseMs: number; perGibMs: number }>> = {
  // Every member recovers its position (wsrep-recover replays the redo log).
  Collecting: { baseMs: 5 * MINUTE_MS, perGibMs: 15_000 },
  // The source starts: InnoDB crash recovery, then Primary.
  Bootstrapping: { baseMs: 5 * MINUTE_MS, perGibMs: 15_000 },
  // Members join one at a time, each by IST or a full SST of the whole datadir.
  Joining: { baseMs: 10 * MINUTE_MS, perGibMs: 60_000 },
};

/** How long `phase` may last for members of `dataBytes` storage; undefined when unbounded. */
export function phaseBoundMs(phase: RecoveryPhase, dataBytes: number): number | undefined {
  const bound = PHASE_BOUNDS[phase];
  if (bound === undefined) return undefined;
  return bound.baseMs + Math.ceil(Math.max(0, dataBytes) / GIB) * bound.perGibMs;
}

export interface Overdue {
  phase: RecoveryPhase;
  elapsedMs: number;
  boundMs: number;
  message: string;
}

function minutes(ms: number): string {
  return `${Math.round(ms / MINUTE_MS)} min`;
}

/** The open recovery's phase has outlasted its bound (Done and Stalled have none). */
export function recoveryOverdue(recovery: RecoveryStatus | undefined, now: Date, dataBytes: number): Overdue | null {
  if (recovery === undefined) return null;
  const boundMs = phaseBoundMs(recovery.phase, dataBytes);
  const since = Date.parse(recovery.since);
  if (boundMs === undefined || Number.isNaN(since)) return null;
  const elapsedMs = now.getTime() - since;
  if (elapsedMs <= boundMs) return null;
  return {
    phase: recovery.phase,
    elapsedMs,
    boundMs,
    message: `recovery generation ${recovery.generation} has been ${recovery.phase} for ${minutes(elapsedMs)} ` +
      `(bound ${minutes(boundMs)}); nothing is retried automatically`,
  };
}
