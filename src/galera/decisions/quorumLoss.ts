/**
 * Quorum loss: some members run mariadbd but none is in a Primary component. Heal it with
 * `pc.bootstrap=YES` on the most advanced running member (highest wsrep_last_committed; tie →
 * lowest ordinal) instead of restarting everything — but only when every other member is proven
 * down. A member that answers nothing may be SIGSTOPped and come back (it even reports a stale
 * Synced for seconds after SIGCONT), so uncertainty means wait.
 *
 * Beyond "proven down", the stopped members' recovered positions must be known and not ahead of
 * the survivor: a survivor cut off earlier may be behind a Primary that later crashed, and
 * bootstrapping it would drop those transactions. And only a minority may survive: a majority of
 * members running non-Primary re-forms the Primary component by itself when they reconnect.
 * A person's explicit choice (a running member)
 * overrides waiting for missing pods and unknown positions, never a known position that is ahead.
 */
import { ConditionReason } from './reasons.js';
import {
  byOrdinal,
  dataStanding,
  hasSettled,
  isRunningNonPrimary,
  isJoinerWithoutPrimary,
  isRunningPrimary,
  isUncertain,
  podNames,
  type LiveGaleraState,
  type MemberObservation,
  type ReportedMember,
} from './observations.js';

export type QuorumDecision =
  | { outcome: 'pcBootstrap'; pod: string; chosenBy: 'operator' | 'person'; reason: ConditionReason; message: string; members: string[] }
  | { outcome: 'wait' | 'stall' | 'none'; reason: ConditionReason; message: string; members: string[] };

export interface QuorumInput {
  members: readonly MemberObservation[];
  explicitChoice?: string;
}

type Survivor = ReportedMember & { live: LiveGaleraState };

function notChosen(outcome: 'wait' | 'stall' | 'none', reason: ConditionReason, members: readonly MemberObservation[], message: string): QuorumDecision {
  return { outcome, reason, message, members: podNames(members) };
}

function mostAdvanced(survivors: readonly Survivor[]): Survivor {
  const top = Math.max(...survivors.map((m) => m.live.lastCommitted));
  return byOrdinal(survivors.filter((m) => m.live.lastCommitted === top))[0] as Survivor;
}

/** Why the stopped members forbid pc.bootstrap on `survivor`, or null when they do not. */
function stoppedMembersObjection(stopped: readonly MemberObservation[], survivor: Survivor, overrideUnknown: boolean): QuorumDecision | null {
  const reported = stopped.filter((m): m is ReportedMember => m.kind === 'reported');
  const unsettled = reported.filter((m) => !hasSettled(m.report) && !isJoinerWithoutPrimary(m));
  if (unsettled.length > 0) {
    return notChosen('wait', ConditionReason.MembersNotReported, unsettled, 'waiting for stopped members to report their recovered position');
  }
  const ahead = reported.filter((m) => dataStanding(m.report) === 'usable' &&
    m.report.position?.uuid === survivor.live.stateUuid && (m.report.position?.seqno ?? -1) > survivor.live.lastCommitted);
  if (ahead.length > 0) {
    return notChosen('stall', ConditionReason.SurvivorBehind, [survivor, ...ahead],
      `${podNames(ahead).join(', ')} hold(s) transactions beyond ${survivor.pod}'s last committed ${survivor.live.lastCommitted}`);
  }
  if (overrideUnknown) return null;
  const missing = stopped.filter((m) => m.kind === 'podMissing' && m.pvcExists);
  if (missing.length > 0) {
    return notChosen('wait', ConditionReason.MembersMissing, missing, 'waiting for missing pods to come back and report their position');
  }
  const unknown = reported.filter((m) => dataStanding(m.report) === 'unknown');
  if (unknown.length > 0) {
    return notChosen('stall', ConditionReason.PositionUnknown, unknown, 'stopped members hold data with an unknown position');
  }
  return null;
}

export function decideQuorumRecovery(input: QuorumInput): QuorumDecision {
  const members = byOrdinal(input.members);
  if (members.some(isRunningPrimary)) {
    return notChosen('none', ConditionReason.MembersNotReady, [], 'a Primary component exists');
  }
  const survivors = members.filter(isRunningNonPrimary);
  if (survivors.length === 0) {
    return notChosen('none', ConditionReason.ClusterOffline, [], 'no member is running');
  }
  const uncertain = members.filter(isUncertain);
  if (uncertain.length > 0) {
    return notChosen('wait', ConditionReason.MembersUncertain, uncertain,
      `${podNames(uncertain).join(', ')} cannot be heard from and may still be running`);
  }
  // A joiner told to join while the survivor still looked Primary waits for a Primary forever:
  // it does not hold pc.bootstrap back (it joins the healed component), any other start does.
  const starting = members.filter((m) => m.kind === 'reported' && m.report.phase === 'Starting' && !isJoinerWithoutPrimary(m));
  if (starting.length > 0) {
    return notChosen('wait', ConditionReason.QuorumLost, starting, `${podNames(starting).join(', ')} is starting mariadbd`);
  }
  const uuids = new Set(survivors.map((m) => m.live.stateUuid));
  if (uuids.size > 1) {
    return notChosen('stall', ConditionReason.UuidDisagreement, survivors, 'running members report different cluster state UUIDs');
  }
  const choice = input.explicitChoice === '' ? undefined : input.explicitChoice;
  const explicit = choice !== undefined;
  if (!explicit && survivors.length * 2 > members.length) {
    // A majority of the last Primary component running again re-forms it by itself once its
    // members reconnect (a SIGCONTed member even looks Synced for seconds first): pc.bootstrap
    // here would only race Galera. If they stay apart (a partition), a person decides.
    return notChosen('wait', ConditionReason.QuorumLost, survivors,
      `${survivors.length} of ${members.length} members run non-Primary: a majority re-forms the Primary component by itself once they reconnect`);
  }
  let survivor = mostAdvanced(survivors);
  if (choice !== undefined) {
    const chosen = survivors.find((m) => m.pod === choice);
    if (chosen === undefined) {
      return { outcome: 'stall', reason: ConditionReason.ExplicitChoiceRejected, members: [choice],
        message: `bootstrapFrom=${choice} refused: quorum is restored on a running non-Primary member` };
    }
    if (chosen.live.lastCommitted < survivor.live.lastCommitted) {
      return { outcome: 'stall', reason: ConditionReason.ExplicitChoiceRejected, members: [choice, survivor.pod],
        message: `bootstrapFrom=${choice} refused: ${survivor.pod} committed more (${survivor.live.lastCommitted})` };
    }
    survivor = chosen;
  }
  const stopped = members.filter((m) => !survivors.includes(m as Survivor));
  const objection = stoppedMembersObjection(stopped, survivor, explicit);
  if (objection !== null) return objection;
  return {
    outcome: 'pcBootstrap', pod: survivor.pod, chosenBy: choice ? 'person' : 'operator',
    reason: ConditionReason.QuorumRestoring, members: [survivor.pod],
    message: `pc.bootstrap on ${survivor.pod} (last committed ${survivor.live.lastCommitted}); the others are down`,
  };
}
