/**
 * What the operator observed about each expected member, as input to the pure decisions.
 * Nothing here does I/O: the reconciler gathers these, the decisions read them.
 */
import type { GaleraPosition, MemberReport } from '../types.js';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** wsrep_local_state values. */
export const WsrepLocalState = { Joining: 1, DonorDesynced: 2, Joined: 3, Synced: 4 } as const;

/** Galera state read over SQL from a running mariadbd. */
export interface LiveGaleraState {
  /** wsrep_cluster_status */
  clusterStatus: 'Primary' | 'non-Primary' | 'Disconnected';
  /** wsrep_local_state (4 = Synced) */
  localState: number;
  /** wsrep_last_committed */
  lastCommitted: number;
  /** wsrep_cluster_state_uuid */
  stateUuid: string;
  /** wsrep_cluster_conf_id: members of one component share it */
  confId: number;
  /** wsrep_cluster_size */
  clusterSize: number;
}

interface MemberIdentity {
  pod: string;
  /** StatefulSet ordinal; decisions order members by it, never by input order. */
  ordinal: number;
}

/** The agent answered. `live` is set only when mariadbd runs AND answered SQL in time. */
export interface ReportedMember extends MemberIdentity {
  kind: 'reported';
  report: MemberReport;
  live: LiveGaleraState | null;
  /**
   * Its SQL port refused a connection just now (checked while Starting): mariadbd has not opened
   * it in this start. A joiner opens it only after its state transfer; a SIGSTOPped server that
   * had started still accepts connections, so this never describes a paused member.
   */
  notListening?: boolean;
}

/** The pod exists but its agent did not answer: state unknown (never "absent"). */
export interface UnreachableMember extends MemberIdentity {
  kind: 'unreachable';
  detail?: string;
}

/**
 * No pod (or a pod that never started a container, e.g. unscheduled): no process of it runs.
 * With its PVC still there its data is unknown; without, the member is gone for good.
 */
export interface MissingMember extends MemberIdentity {
  kind: 'podMissing';
  pvcExists: boolean;
}

export type MemberObservation = ReportedMember | UnreachableMember | MissingMember;

export function byOrdinal<T extends MemberIdentity>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => a.ordinal - b.ordinal || (a.pod < b.pod ? -1 : 1));
}

export function podNames(members: readonly MemberIdentity[]): string[] {
  return byOrdinal(members).map((m) => m.pod);
}

/** mariadbd runs and answered: it is in the Primary component. */
export function isRunningPrimary(m: MemberObservation): m is ReportedMember & { live: LiveGaleraState } {
  return m.kind === 'reported' && m.report.phase === 'Running' && m.live?.clusterStatus === 'Primary';
}

/** Primary ∧ Synced: what readiness means for a member. */
export function isSyncedPrimary(m: MemberObservation): boolean {
  return isRunningPrimary(m) && m.live.localState === WsrepLocalState.Synced;
}

/** mariadbd runs and answered, outside any Primary component. */
export function isRunningNonPrimary(m: MemberObservation): m is ReportedMember & { live: LiveGaleraState } {
  return m.kind === 'reported' && m.report.phase === 'Running' && m.live !== null && m.live.clusterStatus !== 'Primary';
}

/**
 * Took a join order and does not listen yet: a joiner waiting for a Primary component to take
 * its state from. It has committed nothing beyond its reported position and cannot form a
 * Primary component: for a quorum decision it is down, with that position.
 */
export function isJoinerWithoutPrimary(m: MemberObservation): boolean {
  return m.kind === 'reported' && m.report.phase === 'Starting' && m.report.lastInstruction?.action === 'join' && m.notListening === true;
}

/** We cannot tell whether this member's mariadbd runs, or in which component. */
export function isUncertain(m: MemberObservation): boolean {
  return m.kind === 'unreachable' || (m.kind === 'reported' && m.report.phase === 'Running' && m.live === null);
}

/** Pod and PVC both gone: nothing of this member remains. */
export function isGone(m: MemberObservation): boolean {
  return m.kind === 'podMissing' && !m.pvcExists;
}

/** A position usable for comparison: a real cluster UUID and a known seqno. */
export function isKnownPosition(p: GaleraPosition | null): p is GaleraPosition {
  return p !== null && p.seqno >= 0 && p.uuid !== ZERO_UUID && p.uuid !== '';
}

/** How much a reported member's data can be trusted as a bootstrap source. */
export type DataStanding = 'empty' | 'interrupted' | 'unknown' | 'usable';

export function dataStanding(report: MemberReport): DataStanding {
  if (report.datadirEmpty) return 'empty';
  if (report.sstInterrupted) return 'interrupted';
  return isKnownPosition(report.position) ? 'usable' : 'unknown';
}

/** The agent has settled on what it knows: waiting for an order, or given up. */
export function hasSettled(report: MemberReport): boolean {
  return report.phase === 'Waiting' || report.phase === 'Failed';
}

export function describePosition(p: GaleraPosition | null): string {
  return p === null ? 'no position' : `${p.uuid}:${p.seqno}`;
}
