/**
 * Member restart and joins: while a Primary component serves, members Waiting for an order are
 * told to join (they start from their recovered position, so IST when the donor's gcache allows).
 * One at a time: two joiners at once slow each other down and fight over SST ports.
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
}

/** A member in the middle of joining: its agent started mariadbd, or mariadbd is not Synced yet. */
function isJoinInFlight(m: MemberObservation): boolean {
  if (m.kind !== 'reported') return false;
  if (m.report.phase === 'Starting') return true;
  if (m.report.phase !== 'Running' || m.live === null) return false;
  // A donor (or a member desynced for a backup) is serving, not joining.
  return m.live.localState !== WsrepLocalState.Synced && m.live.localState !== WsrepLocalState.DonorDesynced;
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
  if (joinable.length > 0 && inFlight.length > 0) {
    return {
      outcome: 'wait', reason: ConditionReason.JoiningMembers, members: inFlight.map((m) => m.pod),
      message: `waiting for ${inFlight.map((m) => m.pod).join(', ')} to finish joining before the next${heldNote}`,
    };
  }
  const next = joinable[0];
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
