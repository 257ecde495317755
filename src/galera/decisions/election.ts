/**
 * Which member may bootstrap after a full crash — or why none may yet.
 *
 * Automatic rules, in order:
 *  1. Every expected member must be heard from: unreachable → wait; still recovering its position
 *     or running/starting mariadbd → wait; no pod but a PVC → wait (its data is unknown).
 *  2. Anything ambiguous stalls for a person: a member whose entrypoint failed without a position,
 *     a non-empty member with an unknown position, members on another UUID than the recorded one
 *     (or, with none recorded, members that disagree), several safe_to_bootstrap=1, or
 *     safe_to_bootstrap=1 on a member that does not hold the highest seqno.
 *  3. The source is the highest seqno among usable members (non-empty, no interrupted SST, known
 *     position on the reference UUID). Tie: the one with safe_to_bootstrap=1, else lowest ordinal.
 *     A joiner left without a Primary (told to join, SQL port still closed) is no obstacle and its
 *     position counts, but it cannot be the source: if only it holds the highest seqno, stall.
 *
 * A person's explicit choice (spec.recovery.bootstrapFrom) overrides only ambiguity (missing pods,
 * failed or unknown members, UUID or safe_to_bootstrap disputes, ties). It is refused when the
 * member is not heard from, empty, interrupted, has an unknown position, is not on the recorded
 * UUID, or when another usable member on its UUID holds a higher seqno. Unreachable members block
 * it too: an unheard member might still be serving.
 */
import type { GaleraPosition } from '../types.js';
import { ConditionReason } from './reasons.js';
import {
  byOrdinal,
  dataStanding,
  describePosition,
  hasSettled,
  isJoinerWithoutPrimary,
  podNames,
  type MemberObservation,
  type ReportedMember,
} from './observations.js';

export type Election =
  | { outcome: 'elected'; source: string; chosenBy: 'operator' | 'person'; reason: ConditionReason; message: string; members: string[] }
  | { outcome: 'wait' | 'stall'; reason: ConditionReason; message: string; members: string[] };

export interface ElectionInput {
  members: readonly MemberObservation[];
  /** The cluster (state) UUID recorded in status, if any. */
  recordedUuid?: string;
  /** A person's explicit choice of source, by pod name. */
  explicitChoice?: string;
}

type Usable = ReportedMember & { report: { position: GaleraPosition } };

function notElected(outcome: 'wait' | 'stall', reason: ConditionReason, members: readonly { pod: string; ordinal: number }[], message: string): Election {
  return { outcome, reason, message, members: podNames(members) };
}

function names(members: readonly { pod: string; ordinal: number }[]): string {
  return podNames(members).join(', ');
}

/** Members that keep any election from happening yet, whoever chooses. */
function blockersForAnyone(members: readonly MemberObservation[]): Election | null {
  const unreachable = members.filter((m) => m.kind === 'unreachable');
  if (unreachable.length > 0) {
    return notElected('wait', ConditionReason.MembersUnreachable, unreachable,
      `waiting for ${names(unreachable)}: the pod exists but its agent does not answer (unknown is not absent)`);
  }
  const reported = members.filter((m): m is ReportedMember => m.kind === 'reported');
  // A joiner left without a Primary will join whichever Primary forms: its position counts below.
  const running = reported.filter((m) => (m.report.phase === 'Running' || m.report.phase === 'Starting') && !isJoinerWithoutPrimary(m));
  if (running.length > 0) {
    return notElected('wait', ConditionReason.MembersStillRunning, running,
      `mariadbd is running or starting on ${names(running)}`);
  }
  const unsettled = reported.filter((m) => !hasSettled(m.report) && !isJoinerWithoutPrimary(m));
  if (unsettled.length > 0) {
    return notElected('wait', ConditionReason.MembersNotReported, unsettled,
      `waiting for ${names(unsettled)} to report a recovered position`);
  }
  return null;
}

function usableMembers(members: readonly MemberObservation[]): Usable[] {
  return members.filter((m): m is Usable => m.kind === 'reported' && dataStanding(m.report) === 'usable');
}

function electExplicit(members: readonly MemberObservation[], choice: string, recordedUuid: string | undefined): Election {
  const reject = (why: string): Election =>
    ({ outcome: 'stall', reason: ConditionReason.ExplicitChoiceRejected, message: `bootstrapFrom=${choice} refused: ${why}`, members: [choice] });
  const chosen = members.find((m) => m.pod === choice);
  if (chosen === undefined) return reject('no such member');
  if (chosen.kind !== 'reported') return reject('the member has not reported its data');
  if (chosen.report.phase === 'Failed') return reject(`its entrypoint failed: ${chosen.report.message ?? 'no message'}`);
  if (chosen.report.phase !== 'Waiting') return reject(`it is not waiting for an order (${chosen.report.phase})`);
  const standing = dataStanding(chosen.report);
  if (standing === 'empty') return reject('its datadir is empty');
  if (standing === 'interrupted') return reject('its last SST was interrupted');
  if (standing === 'unknown') return reject(`its position is unknown (${describePosition(chosen.report.position)})`);
  const position = chosen.report.position as GaleraPosition;
  if (recordedUuid !== undefined && position.uuid !== recordedUuid) {
    return reject(`it holds cluster UUID ${position.uuid}, the cluster's recorded UUID is ${recordedUuid}`);
  }
  const ahead = usableMembers(members).filter(
    (m) => m.report.position.uuid === position.uuid && m.report.position.seqno > position.seqno);
  if (ahead.length > 0) {
    return reject(`${names(ahead)} hold(s) a higher seqno than ${position.seqno} on the same UUID`);
  }
  return {
    outcome: 'elected', source: choice, chosenBy: 'person', reason: ConditionReason.BootstrappingSource,
    message: `bootstrapping ${choice} (${describePosition(position)}) as chosen in spec.recovery.bootstrapFrom`,
    members: [choice],
  };
}

function electAutomatic(members: readonly MemberObservation[], recordedUuid: string | undefined): Election {
  const missing = members.filter((m) => m.kind === 'podMissing' && m.pvcExists);
  if (missing.length > 0) {
    return notElected('wait', ConditionReason.MembersMissing, missing,
      `waiting for ${names(missing)}: no pod, but its PVC remains and may hold the latest data`);
  }
  const reported = members.filter((m): m is ReportedMember => m.kind === 'reported');
  const failed = reported.filter((m) => m.report.phase === 'Failed' && m.report.position === null);
  if (failed.length > 0) {
    const detail = failed.map((m) => `${m.pod}: ${m.report.message ?? 'no message'}`).join('; ');
    return notElected('stall', ConditionReason.MemberFailed, failed, `members failed before reporting a position (${detail})`);
  }
  const unknown = reported.filter((m) => dataStanding(m.report) === 'unknown');
  if (unknown.length > 0) {
    return notElected('stall', ConditionReason.PositionUnknown, unknown,
      `${names(unknown)} hold(s) data with an unknown position; they might hold the latest writes`);
  }
  const usable = usableMembers(members);
  if (usable.length === 0) {
    return { outcome: 'stall', reason: ConditionReason.NoSafeSource, message: 'no member holds usable data (all empty or with an interrupted SST)', members: [] };
  }
  let reference = recordedUuid;
  if (reference === undefined) {
    const uuids = [...new Set(usable.map((m) => m.report.position.uuid))];
    if (uuids.length > 1) {
      return notElected('stall', ConditionReason.UuidDisagreement, usable,
        `no cluster UUID is recorded and members disagree: ${usable.map((m) => `${m.pod}=${m.report.position.uuid}`).join(', ')}`);
    }
    reference = uuids[0] as string;
  }
  const foreign = usable.filter((m) => m.report.position.uuid !== reference);
  if (foreign.length > 0) {
    return notElected('stall', ConditionReason.UuidMismatch, foreign,
      `${names(foreign)} hold(s) data of another cluster UUID than the recorded ${reference}`);
  }
  return pickHighest(usable);
}

function pickHighest(usable: readonly Usable[]): Election {
  const top = Math.max(...usable.map((m) => m.report.position.seqno));
  const highest = byOrdinal(usable.filter((m) => m.report.position.seqno === top));
  const marked = byOrdinal(usable.filter((m) => m.report.safeToBootstrap));
  if (marked.length > 1) {
    return notElected('stall', ConditionReason.SafeToBootstrapConflict, marked,
      `${names(marked)} all claim safe_to_bootstrap=1`);
  }
  const markedMember = marked[0];
  if (markedMember !== undefined && markedMember.report.position.seqno !== top) {
    return notElected('stall', ConditionReason.SafeToBootstrapNotMostAdvanced, [markedMember, ...highest],
      `${markedMember.pod} claims safe_to_bootstrap=1 at seqno ${markedMember.report.position.seqno}, ` +
      `but ${names(highest)} hold(s) seqno ${top}`);
  }
  const waitingHighest = highest.filter((m) => !isJoinerWithoutPrimary(m));
  if (markedMember === undefined && waitingHighest.length === 0) {
    return notElected('stall', ConditionReason.JoinerWithoutPrimary, highest,
      `${names(highest)} hold(s) the highest seqno ${top} but wait(s) to join a Primary that is gone; restart it to bootstrap it`);
  }
  const source = markedMember ?? (waitingHighest[0] as Usable);
  if (isJoinerWithoutPrimary(source)) {
    return notElected('stall', ConditionReason.JoinerWithoutPrimary, [source],
      `${source.pod} holds safe_to_bootstrap=1 but waits to join a Primary that is gone; restart it to bootstrap it`);
  }
  if (source.report.phase === 'Failed') {
    return notElected('stall', ConditionReason.MemberFailed, [source],
      `${source.pod} holds the highest seqno but its entrypoint failed: ${source.report.message ?? 'no message'}`);
  }
  const tie = waitingHighest.length > 1 ? ` (tie at seqno ${top} with ${names(waitingHighest.filter((m) => m !== source))}: ` +
    (markedMember ? 'it has safe_to_bootstrap=1)' : 'lowest ordinal)') : '';
  return {
    outcome: 'elected', source: source.pod, chosenBy: 'operator', reason: ConditionReason.BootstrappingSource,
    message: `${source.pod} holds the highest seqno (${describePosition(source.report.position)})${tie}`,
    members: [source.pod],
  };
}

export function electBootstrapSource(input: ElectionInput): Election {
  const members = byOrdinal(input.members);
  const blocked = blockersForAnyone(members);
  if (blocked !== null) return blocked;
  if (input.explicitChoice !== undefined && input.explicitChoice !== '') {
    return electExplicit(members, input.explicitChoice, input.recordedUuid);
  }
  return electAutomatic(members, input.recordedUuid);
}
