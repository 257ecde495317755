/**
 * A bounded writer for drills: inserts increasing sequence numbers one autocommit transaction
 * at a time, on a fresh connection each (as the drills' clients do), and records which commits
 * were acknowledged. An error is an unknown outcome, not a rollback (facts.md), so it is kept
 * apart: the check is that every acknowledged row is on every member.
 */
import { query, type Target } from './sql.js';

export interface WorkloadResult {
  acked: number[];
  unknown: number[];
  /** Largest gap between two acknowledged writes, in ms. */
  maxGapMs: number;
}

export interface Workload {
  stop(): Promise<WorkloadResult>;
}

export const DRILL_TABLE = 'drill.acked';

export async function prepareDrillTable(target: Target): Promise<void> {
  await query(target, 'CREATE DATABASE IF NOT EXISTS drill');
  // node: the member that committed the row, where a writer records it (proxy drills).
  await query(target, `CREATE TABLE IF NOT EXISTS ${DRILL_TABLE} (seq INT PRIMARY KEY, at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3), node VARCHAR(64) NULL)`);
}

/**
 * Writes until stopped or `maxMs` passes (it stops by itself). `pickTarget` is asked before each
 * write, so the caller decides where writes go (a proxy address, or the writer member).
 */
export function startWorkload(pickTarget: () => Promise<Target | undefined>, options: { maxMs: number; pauseMs?: number }): Workload {
  const acked: number[] = [];
  const unknown: number[] = [];
  let stopped = false;
  let maxGapMs = 0;
  let lastAck = Date.now();
  const deadline = Date.now() + options.maxMs;
  const loop = (async () => {
    for (let seq = 1; !stopped && Date.now() < deadline; seq++) {
      const target = await pickTarget().catch(() => undefined);
      if (!target) {
        seq--;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        await query(target, `INSERT INTO ${DRILL_TABLE} (seq) VALUES (?)`, [seq], 4000);
        acked.push(seq);
        const now = Date.now();
        maxGapMs = Math.max(maxGapMs, now - lastAck);
        lastAck = now;
      } catch {
        unknown.push(seq);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { acked, unknown, maxGapMs };
    },
  };
}

/** The acknowledged sequence numbers missing on `member` (empty when none is lost). */
export async function missingAcked(member: Target, acked: readonly number[]): Promise<number[]> {
  const rows = await query<{ seq: number }>(member, `SELECT seq FROM ${DRILL_TABLE}`, [], 10_000);
  const present = new Set(rows.map((r) => Number(r.seq)));
  return acked.filter((seq) => !present.has(seq));
}
