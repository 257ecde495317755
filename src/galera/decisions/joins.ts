/**
 * Member restart and joins: while a Primary component serves, members Waiting for an order are
 * told to join (they start from their recovered position, so IST when the donor's gcache allows).
 * A member that needs a full SST over data of its own (an interrupted or unknown datadir) joins
 * alone. Members with a usable position on the cluster's UUID (IST) may join together, and so
 * may fresh members with empty datadirs (a new cluster), staggered: two joiners started at the
 * same instant cost ~5 s (facts.md).
 *
 * A member is told only while it is Waiting: one that took the order shows Starting or Running;
 * one Waiting again (it restarted) is told again. A member holding data of another cluster
 * history is not joined: its SST would silently erase that data.
 */
import type { Instruction } from '../types.js';
import { ConditionReason } from './reasons.js';
import {
  byOrdinal,
  dataStanding,
  isRunningPrimary,
  WsrepLocalState,
  type MemberObservation,
  type ReportedMember,
} from './observations.js';

export type JoinDecision =
  | { outcome: 'join'; pod: string; instruction: Instruction; reason: ConditionReason; message: string; held: string[] }
  | { outcome: 'wait' | 'stall' | 'none'; reason: ConditionReason; message: string; members: string[] };

export interface JoinInput {
  members: readonly MemberObservation[];
  generation: number;
  /** The cluster's UUID (recorded, or read from a Primary member). */
  clusterUuid?: string;
  /** ISO-8601 time of the decision; without it joins are strictly one at a time. */
  now?: string;
}

/**
 * Between the starts of two IST joiners. Reports carry whole seconds (truncated), so 2 s between
 * the timestamps means at least 1 s between the starts.
 */
export const JOIN_STAGGER_MS = 2000;

/** A member in the middle of joining: its agent started mariadbd, or mariadbd is not Synced yet. */
function isJoinInFlight(m: MemberObservation): boolean {
  if (m.kind !== 'reported') return false;
  if (m.report.phase === 'Starting') return true;
  if (m.report.phase !== 'Running' || m.live === null) return false;
  // A donor (or a member desynced for a backup) is serving, not joining.
  return m.live.localState !== WsrepLocalState.Synced && m.live.localState !== WsrepLocalState.DonorDesynced;
}

/** Its recovered position is on the cluster's history: it can catch up by IST. */
function canJoinByIst(m: MemberObservation, clusterUuid: string | undefined): boolean {
  if (m.kind !== 'reported' || dataStanding(m.report) !== 'usable') return false;
  return clusterUuid === undefined || m.report.position?.uuid === clusterUuid;
}

/**
 * How a joiner catches up, for joining side by side: by IST, or as a fresh member with an empty
 * datadir (a new cluster's or a new member's: the data set it copies is whatever the cluster
 * holds, but nothing of its own can be lost). Anything else joins alone.
 */
function joinClass(m: MemberObservation, clusterUuid: string | undefined): 'ist' | 'fresh' | null {
  if (canJoinByIst(m, clusterUuid)) return 'ist';
  return m.kind === 'reported' && dataStanding(m.report) === 'empty' ? 'fresh' : null;
}

/** Every joiner in flight and the next one catch up the same way, and the last start is not too recent. */
function mayJoinAlongside(next: ReportedMember, inFlight: readonly MemberObservation[], input: JoinInput): boolean {
  const kind = joinClass(next, input.clusterUuid);
  if (input.now === undefined || kind === null) return false;
  const now = Date.parse(input.now);
  return inFlight.every((m) => {
    if (m.kind !== 'reported' || joinClass(m, input.clusterUuid) !== kind || m.report.updatedAt === undefined) return false;
    return now - Date.parse(m.report.updatedAt) >= JOIN_STAGGER_MS;
  });
}

function holdsForeignHistory(m: ReportedMember, clusterUuid: string | undefined): boolean {
  if (clusterUuid === undefined || dataStanding(m.report) !== 'usable') return false;
  return m.report.position?.uuid !== clusterUuid;
}

export function nextJoin(input: JoinInput): JoinDecision {
  const members = byOrdinal(input.members);
  if (!members.some(isRunningPrimary)) {
    return { outcome: 'wait', reason: ConditionReason.QuorumLost, message: 'no Primary component to join', members: [] };
  }
  const waiting = members.filter((m): m is ReportedMember => m.kind === 'reported' && m.report.phase === 'Waiting');
  const diverged = waiting.filter((m) => holdsForeignHistory(m, input.clusterUuid));
  const joinable = waiting.filter((m) => !diverged.includes(m));
  const held = diverged.map((m) => m.pod);
  const heldNote = held.length > 0 ? `; not joining ${held.join(', ')} (data of another cluster UUID)` : '';

  const inFlight = members.filter(isJoinInFlight);
  const next = joinable[0];
  if (next !== undefined && inFlight.length > 0 && !mayJoinAlongside(next, inFlight, input)) {
    return {
      outcome: 'wait', reason: ConditionReason.JoiningMembers, members: inFlight.map((m) => m.pod),
      message: `waiting for ${inFlight.map((m) => m.pod).join(', ')} to finish joining before the next${heldNote}`,
    };
  }
  if (next !== undefined) {
    return {
      outcome: 'join', pod: next.pod, instruction: { action: 'join', generation: input.generation },
      reason: ConditionReason.JoiningMembers, held,
      message: `telling ${next.pod} to join${heldNote}`,
    };
  }
  if (held.length > 0) {
    return {
      outcome: 'stall', reason: ConditionReason.MemberDiverged, members: held,
      message: `${held.join(', ')} hold(s) data of another cluster UUID than ${input.clusterUuid}; not joined`,
    };
  }
  return { outcome: 'none', reason: ConditionReason.JoiningMembers, message: 'no member is waiting to join', members: [] };
}
