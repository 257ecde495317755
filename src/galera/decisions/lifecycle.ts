/**
 * The Galera lifecycle decision: given what every member reports and what status recorded, what
 * to do next — bootstrap a new cluster, recover from a full crash, heal a quorum loss, tell
 * restarted members to join, or wait/stall and say why. Pure: the same input gives the same
 * answer whatever the order of `members`.
 *
 * The reconciler records `decision.recovery` (and `clusterUuid`) before carrying out
 * `decision.action`, so a restart between the two repeats the same, idempotent, step.
 */
import { ConditionReason } from './reasons.js';
import { summarizeCluster } from './clusterState.js';
import { decide, joinStep, makeContext, nextGeneration, type Context, type LifecycleInput } from './lifecycleContext.js';
import { firstBootstrap, startFullCrash, startQuorumRecovery } from './startRecovery.js';
import { resumeRecovery } from './resumeRecovery.js';
import { isJoinerWithoutPrimary, isRunningNonPrimary, isRunningPrimary, podNames } from './observations.js';
import { freshRecovery, type LifecycleDecision, type RecoveryStatus } from './progress.js';

export type { LifecycleInput } from './lifecycleContext.js';

/** No recovery is open: read the cluster as it is. */
function fromClusterState(ctx: Context, recovery: RecoveryStatus | undefined): LifecycleDecision {
  const summary = summarizeCluster(ctx.members);
  if (summary.state === 'SplitBrain' || summary.state === 'SplitBrainUncertain') {
    const primaries = podNames(ctx.members.filter(isRunningPrimary));
    return decide(ctx, recovery, { outcome: 'stall', reason: ConditionReason.SplitBrain, members: primaries,
      message: `${summary.message}: Primary members disagree on UUID or configuration` });
  }
  if (ctx.members.some(isRunningPrimary)) {
    // A running cluster with no record (status lost): adopt it under a fresh generation.
    const current = recovery ?? freshRecovery(nextGeneration(ctx, undefined), 'Adopted', 'Done', ctx.now);
    return joinStep(ctx, current);
  }
  if (ctx.members.some(isRunningNonPrimary)) return startQuorumRecovery(ctx, recovery);
  const alive = ctx.members.filter((m) => m.kind === 'reported' && !isJoinerWithoutPrimary(m) &&
    (m.report.phase === 'Running' || m.report.phase === 'Starting'));
  if (alive.length > 0) {
    // mariadbd runs (or starts) there but answers nothing: not a crash we may act on.
    return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersUncertain, members: podNames(alive),
      message: `${podNames(alive).join(', ')} run(s) mariadbd but do(es) not answer; waiting` });
  }
  if (recovery === undefined) {
    const first = firstBootstrap(ctx);
    if (first !== null) return first;
  }
  return startFullCrash(ctx, recovery);
}

export function decideLifecycle(input: LifecycleInput): LifecycleDecision {
  const ctx = makeContext(input);
  const recovery = input.recovery;
  if (recovery !== undefined && recovery.phase !== 'Done') {
    const resumed = resumeRecovery(ctx, recovery);
    if (resumed !== null) return resumed;
    const alive = ctx.members.some((m) => m.kind === 'unreachable' || (m.kind === 'reported' && !isJoinerWithoutPrimary(m) &&
      (m.report.phase === 'Starting' || (m.report.phase === 'Running' && m.live === null))));
    if (alive) {
      return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersUncertain,
        message: 'the Primary component is gone while some members cannot be heard from; waiting' });
    }
    // The Primary was lost again after this recovery's bootstrap: treat it as a new incident.
    return fromClusterState(ctx, { ...recovery, phase: 'Done' });
  }
  return fromClusterState(ctx, recovery);
}
