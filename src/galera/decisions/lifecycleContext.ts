/**
 * Shared plumbing of the lifecycle decision: its input, a normalised view of it, and the
 * builders every step uses to shape its answer.
 */
import { ConditionReason } from './reasons.js';
import { nextJoin } from './joins.js';
import { summarizeCluster } from './clusterState.js';
import {
  byOrdinal,
  isGone,
  isRunningPrimary,
  isSyncedPrimary,
  ZERO_UUID,
  type MemberObservation,
} from './observations.js';
import {
  advance,
  type LifecycleAction,
  type LifecycleDecision,
  type LifecycleOutcome,
  type RecoveryPolicy,
  type RecoveryStatus,
} from './progress.js';

export interface LifecycleInput {
  /** One observation per expected member: ordinals 0..spec.replicas-1. */
  members: readonly MemberObservation[];
  /** status: the cluster (state) UUID learnt from a Primary member, if ever. */
  recordedClusterUuid?: string;
  /** status.recovery, if any was ever recorded. */
  recovery?: RecoveryStatus;
  /** spec.recovery */
  policy: RecoveryPolicy;
  now: Date;
}

export interface Context {
  members: MemberObservation[];
  recordedUuid: string | undefined;
  /** The state UUID of the Primary component, when one serves. */
  primaryUuid: string | undefined;
  policy: RecoveryPolicy;
  explicitChoice: string | undefined;
  /** ISO-8601 time of the decision. */
  now: string;
}

export function makeContext(input: LifecycleInput): Context {
  const members = byOrdinal(input.members);
  const primary = members.find(isRunningPrimary);
  const liveUuid = primary?.live.stateUuid;
  const choice = input.policy.bootstrapFrom;
  return {
    members,
    recordedUuid: input.recordedClusterUuid || undefined,
    primaryUuid: liveUuid && liveUuid !== ZERO_UUID ? liveUuid : undefined,
    policy: input.policy,
    explicitChoice: choice === undefined || choice === '' ? undefined : choice,
    now: input.now.toISOString(),
  };
}

/** A generation above any recorded or seen in a member's last instruction (status may be lost). */
export function nextGeneration(ctx: Context, recovery: RecoveryStatus | undefined): number {
  const seen = ctx.members.map((m) => (m.kind === 'reported' ? m.report.lastInstruction?.generation ?? 0 : 0));
  return Math.max(recovery?.generation ?? 0, ...seen) + 1;
}

interface DecisionParts {
  outcome: LifecycleOutcome;
  reason: ConditionReason;
  message: string;
  members?: string[];
  action?: LifecycleAction | null;
  clearExplicitChoice?: boolean;
}

/** Assemble a decision; `recovery` is recorded with the same reason and message. */
export function decide(ctx: Context, recovery: RecoveryStatus | undefined, parts: DecisionParts): LifecycleDecision {
  const recorded = recovery === undefined ? undefined
    : advance(recovery, { reason: parts.reason, message: parts.message }, ctx.now);
  const learnt = ctx.recordedUuid === undefined ? ctx.primaryUuid : undefined;
  return {
    outcome: parts.outcome,
    action: parts.action ?? null,
    reason: parts.reason,
    message: parts.message,
    members: parts.members ?? [],
    recovery: recorded,
    ...(learnt === undefined ? {} : { clusterUuid: learnt }),
    clearExplicitChoice: parts.clearExplicitChoice ?? false,
  };
}

/** Every member that still exists is Primary ∧ Synced. */
export function everyMemberSynced(ctx: Context): boolean {
  return ctx.members.every((m) => isGone(m) || isSyncedPrimary(m));
}

/** With a Primary serving: tell the next Waiting member to join, or report how things stand. */
export function joinStep(ctx: Context, recovery: RecoveryStatus): LifecycleDecision {
  const joinInput = { members: ctx.members, generation: recovery.generation, now: ctx.now };
  const uuid = ctx.primaryUuid ?? ctx.recordedUuid;
  const join = nextJoin(uuid === undefined ? joinInput : { ...joinInput, clusterUuid: uuid });
  if (join.outcome === 'join') {
    return decide(ctx, recovery, {
      outcome: 'act', reason: join.reason, message: join.message, members: [join.pod, ...join.held],
      action: { type: 'instruct', pod: join.pod, instruction: join.instruction },
    });
  }
  if (join.outcome === 'none') {
    const summary = summarizeCluster(ctx.members);
    return decide(ctx, recovery, { outcome: 'steady', reason: summary.reason, message: summary.message, members: summary.uncertainMembers });
  }
  return decide(ctx, recovery, { outcome: join.outcome, reason: join.reason, message: join.message, members: join.members });
}
