/**
 * The cluster's overall state, for status and conditions. Modelled on Oracle's InnoDB Cluster
 * states: when part of the picture is unknown the state says "Uncertain" rather than guessing.
 */
import { ConditionReason } from './reasons.js';
import {
  isRunningNonPrimary,
  isRunningPrimary,
  isSyncedPrimary,
  isUncertain,
  podNames,
  type MemberObservation,
} from './observations.js';

export type ClusterState =
  | 'Online' // every expected member Primary ∧ Synced, one component
  | 'OnlinePartial' // a Primary component serves; some members are outside it
  | 'OnlineUncertain' // a Primary component serves; some members cannot be heard from
  | 'NoQuorum' // members run, none is Primary, every member heard from
  | 'NoQuorumUncertain' // as NoQuorum, but some members cannot be heard from
  | 'Offline' // no member runs mariadbd, every member heard from
  | 'OfflineUncertain' // no member known to run, some cannot be heard from
  | 'SplitBrain' // Primary members on different cluster state UUIDs
  | 'SplitBrainUncertain'; // Primary members in different configurations (maybe a view change)

export interface ClusterSummary {
  state: ClusterState;
  /** Ready condition proposal: True only when Online. */
  ready: boolean;
  reason: ConditionReason;
  message: string;
  /** Members Primary ∧ Synced (readiness), by pod name. */
  syncedMembers: string[];
  /** Members that cannot be heard from. */
  uncertainMembers: string[];
}

const stateReason: Record<ClusterState, ConditionReason> = {
  Online: ConditionReason.AllMembersSynced,
  OnlinePartial: ConditionReason.MembersNotReady,
  OnlineUncertain: ConditionReason.MembersUncertain,
  NoQuorum: ConditionReason.QuorumLost,
  NoQuorumUncertain: ConditionReason.MembersUncertain,
  Offline: ConditionReason.ClusterOffline,
  OfflineUncertain: ConditionReason.MembersUncertain,
  SplitBrain: ConditionReason.SplitBrain,
  SplitBrainUncertain: ConditionReason.SplitBrain,
};

function classify(members: readonly MemberObservation[]): ClusterState {
  const primaries = members.filter(isRunningPrimary);
  const uncertain = members.some(isUncertain);
  if (primaries.length > 0) {
    if (new Set(primaries.map((m) => m.live.stateUuid)).size > 1) return 'SplitBrain';
    if (new Set(primaries.map((m) => m.live.confId)).size > 1) return 'SplitBrainUncertain';
    if (uncertain) return 'OnlineUncertain';
    return members.length > 0 && members.every(isSyncedPrimary) ? 'Online' : 'OnlinePartial';
  }
  if (members.some(isRunningNonPrimary)) return uncertain ? 'NoQuorumUncertain' : 'NoQuorum';
  return uncertain ? 'OfflineUncertain' : 'Offline';
}

/** `members`: one observation per expected member (ordinals 0..replicas-1). */
export function summarizeCluster(members: readonly MemberObservation[]): ClusterSummary {
  const state = classify(members);
  const synced = podNames(members.filter(isSyncedPrimary));
  const uncertain = podNames(members.filter(isUncertain));
  const unheard = uncertain.length > 0 ? `; cannot hear from ${uncertain.join(', ')}` : '';
  return {
    state,
    ready: state === 'Online',
    reason: stateReason[state],
    message: `${synced.length}/${members.length} members Synced (${state})${unheard}`,
    syncedMembers: synced,
    uncertainMembers: uncertain,
  };
}
