/**
 * Recovery progress as recorded in the MySQLCluster status, and the shape of a lifecycle
 * decision. The reconciler persists `recovery` BEFORE it carries out `action`, so an operator
 * restarted at any point resumes from what it recorded (level-triggered).
 */
import type { Instruction } from '../types.js';
import type { ConditionReason } from './reasons.js';
import { byOrdinal, hasSettled, ZERO_UUID, type MemberObservation } from './observations.js';

/**
 * FirstBootstrap: a brand-new cluster from member 0. FullCrash: bootstrap from the elected
 * source. QuorumLoss: pc.bootstrap on the most advanced running member. Adopted: a running
 * cluster found without any record (status lost); nothing was bootstrapped.
 */
export type RecoveryKind = 'FirstBootstrap' | 'FullCrash' | 'QuorumLoss' | 'Adopted';
export type RecoveryPhase = 'Collecting' | 'Bootstrapping' | 'Joining' | 'Done' | 'Stalled';

/** One member's reported data, kept in status as the evidence for the choice. */
export interface ReportedPosition {
  uuid: string;
  seqno: number;
  safeToBootstrap: boolean;
  datadirEmpty: boolean;
  sstInterrupted: boolean;
}

export interface RecoveryStatus {
  /** Fences instructions: one source at most per generation; a new source needs a new one. */
  generation: number;
  kind: RecoveryKind;
  phase: RecoveryPhase;
  /** The chosen source (pod name); set once per generation. */
  source?: string;
  chosenBy?: 'operator' | 'person';
  /** Latest reports while collecting; frozen once a source is chosen. */
  reported: Record<string, ReportedPosition>;
  reason?: ConditionReason;
  message?: string;
  /** ISO-8601 time the current phase began (for timeouts that raise conditions). */
  since: string;
}

/** spec.recovery */
export interface RecoveryPolicy {
  automatic: boolean;
  /** A person's explicit choice of source (pod name), used once then cleared. */
  bootstrapFrom?: string;
}

export type LifecycleAction =
  /** POST the instruction to the member's agent. */
  | { type: 'instruct'; pod: string; instruction: Instruction }
  /** SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' on the member. */
  | { type: 'pcBootstrap'; pod: string; generation: number };

/**
 * act: carry out `action`. wait: nothing to do until something changes (transient).
 * stall: needs a person (raise RecoveryStalled). awaitPerson: automatic recovery is off and
 * `members[0]` is the would-be choice. steady: nothing to do, the cluster is fine.
 */
export type LifecycleOutcome = 'act' | 'wait' | 'stall' | 'awaitPerson' | 'steady';

export interface LifecycleDecision {
  outcome: LifecycleOutcome;
  action: LifecycleAction | null;
  reason: ConditionReason;
  message: string;
  /** The members the reason is about. */
  members: string[];
  /** Recovery status to record (the status writer skips it when equal to the current one). */
  recovery: RecoveryStatus | undefined;
  /** A cluster UUID to record in status, when newly learnt from a Primary member. */
  clusterUuid?: string;
  /** spec.recovery.bootstrapFrom has been used: clear it. */
  clearExplicitChoice: boolean;
}

/**
 * The evidence kept in status: each member's reported data. A member that settled without a
 * position (an empty datadir, an interrupted SST) is recorded too, with seqno -1 and the zero
 * UUID, so status shows why it was passed over; one not heard from keeps its previous entry.
 */
export function snapshotPositions(members: readonly MemberObservation[], previous: Record<string, ReportedPosition> = {}): Record<string, ReportedPosition> {
  const snapshot: Record<string, ReportedPosition> = {};
  for (const m of byOrdinal(members)) {
    const report = m.kind === 'reported' ? m.report : null;
    const evidence = report !== null && (report.position !== null || hasSettled(report));
    if (report !== null && evidence) {
      snapshot[m.pod] = {
        uuid: report.position?.uuid ?? ZERO_UUID,
        seqno: report.position?.seqno ?? -1,
        safeToBootstrap: report.safeToBootstrap,
        datadirEmpty: report.datadirEmpty,
        sstInterrupted: report.sstInterrupted,
      };
    } else if (previous[m.pod] !== undefined) {
      snapshot[m.pod] = previous[m.pod] as ReportedPosition;
    }
  }
  return snapshot;
}

/** The next status: `since` moves only when the phase or generation changes. */
/** `now`: ISO-8601 time of the decision. */
export function advance(current: RecoveryStatus, next: Partial<RecoveryStatus>, now: string): RecoveryStatus {
  const merged: RecoveryStatus = { ...current, ...next };
  const moved = merged.phase !== current.phase || merged.generation !== current.generation;
  return moved ? { ...merged, since: now } : merged;
}

export function freshRecovery(generation: number, kind: RecoveryKind, phase: RecoveryPhase, now: string): RecoveryStatus {
  return { generation, kind, phase, reported: {}, since: now };
}
