/**
 * Starting (or continuing to collect for) a bootstrap: the very first one, a full-crash
 * recovery, or a quorum-loss heal. Each records the chosen source in status before any order.
 */
import { ConditionReason } from './reasons.js';
import { electBootstrapSource } from './election.js';
import { decideQuorumRecovery } from './quorumLoss.js';
import { decide, nextGeneration, type Context } from './lifecycleContext.js';
import { byOrdinal, hasSettled, podNames, type ReportedMember } from './observations.js';
import {
  advance,
  freshRecovery,
  snapshotPositions,
  type LifecycleDecision,
  type RecoveryStatus,
} from './progress.js';

/** Order the source to bootstrap, with the recovery status that records it. */
export function orderBootstrap(ctx: Context, recovery: RecoveryStatus, message: string, clearExplicitChoice: boolean): LifecycleDecision {
  const source = recovery.source as string;
  return decide(ctx, recovery, {
    outcome: 'act', reason: recovery.kind === 'FirstBootstrap' ? ConditionReason.FirstBootstrap : ConditionReason.BootstrappingSource,
    message, members: [source], clearExplicitChoice,
    action: { type: 'instruct', pod: source, instruction: { action: 'bootstrap', generation: recovery.generation } },
  });
}

/**
 * A cluster never bootstrapped: when every member reports an empty datadir, member 0 bootstraps.
 * Returns null when some member holds data: that is a recovery, not a first bootstrap.
 */
export function firstBootstrap(ctx: Context): LifecycleDecision | null {
  const holdingData = ctx.members.filter((m) => m.kind === 'reported' && !m.report.datadirEmpty && m.report.phase !== 'Initializing');
  if (holdingData.length > 0) return null;
  const unheard = ctx.members.filter((m) => m.kind !== 'reported' || !hasSettled(m.report));
  if (unheard.length > 0) {
    return decide(ctx, undefined, {
      outcome: 'wait', reason: ConditionReason.MembersNotReported, members: podNames(unheard),
      message: `new cluster: waiting for ${podNames(unheard).join(', ')} to report an empty datadir`,
    });
  }
  const failed = ctx.members.filter((m): m is ReportedMember => m.kind === 'reported' && m.report.phase === 'Failed');
  if (failed.length > 0) {
    return decide(ctx, undefined, {
      outcome: 'stall', reason: ConditionReason.MemberFailed, members: podNames(failed),
      message: `new cluster: ${failed.map((m) => `${m.pod}: ${m.report.message ?? 'no message'}`).join('; ')}`,
    });
  }
  const first = byOrdinal(ctx.members)[0];
  if (first === undefined) {
    return decide(ctx, undefined, { outcome: 'wait', reason: ConditionReason.MembersNotReported, message: 'no members expected' });
  }
  const recovery: RecoveryStatus = {
    ...freshRecovery(nextGeneration(ctx, undefined), 'FirstBootstrap', 'Bootstrapping', ctx.now),
    source: first.pod, chosenBy: 'operator', reported: snapshotPositions(ctx.members),
  };
  return orderBootstrap(ctx, recovery, `new cluster: ${first.pod} bootstraps, the others join once it is Primary`, false);
}

/** Run the election for a recovery that has no source yet (phase Collecting or Stalled). */
export function collect(ctx: Context, recovery: RecoveryStatus): LifecycleDecision {
  const election = electBootstrapSource({
    members: ctx.members,
    ...(ctx.recordedUuid === undefined ? {} : { recordedUuid: ctx.recordedUuid }),
    ...(ctx.explicitChoice === undefined ? {} : { explicitChoice: ctx.explicitChoice }),
  });
  const reported = snapshotPositions(ctx.members, recovery.reported);
  if (election.outcome === 'elected') {
    if (election.chosenBy === 'operator' && !ctx.policy.automatic) {
      return decide(ctx, advance(recovery, { phase: 'Collecting', reported }, ctx.now), {
        outcome: 'awaitPerson', reason: ConditionReason.AwaitingManualRecovery, members: [election.source],
        message: `automatic recovery is off; would bootstrap ${election.message}`,
      });
    }
    const chosen = advance(recovery, { phase: 'Bootstrapping', source: election.source, chosenBy: election.chosenBy, reported }, ctx.now);
    return orderBootstrap(ctx, chosen, election.message, election.chosenBy === 'person');
  }
  const phase = election.outcome === 'stall' ? 'Stalled' : 'Collecting';
  return decide(ctx, advance(recovery, { phase, reported }, ctx.now), {
    outcome: election.outcome, reason: election.reason, message: election.message, members: election.members,
  });
}

/** No Primary component and nothing running: open a new full-crash recovery generation. */
export function startFullCrash(ctx: Context, previous: RecoveryStatus | undefined): LifecycleDecision {
  return collect(ctx, freshRecovery(nextGeneration(ctx, previous), 'FullCrash', 'Collecting', ctx.now));
}

/**
 * Running members but none Primary. A status is recorded only when pc.bootstrap is ordered;
 * `open` is a recovery of this generation that has no source yet (its generation is reused).
 */
export function startQuorumRecovery(ctx: Context, previous: RecoveryStatus | undefined, open?: RecoveryStatus): LifecycleDecision {
  const quorum = decideQuorumRecovery({ members: ctx.members, ...(ctx.explicitChoice === undefined ? {} : { explicitChoice: ctx.explicitChoice }) });
  if (quorum.outcome !== 'pcBootstrap') {
    const outcome = quorum.outcome === 'none' ? 'wait' : quorum.outcome;
    return decide(ctx, open ?? previous, { outcome, reason: quorum.reason, message: quorum.message, members: quorum.members });
  }
  if (quorum.chosenBy === 'operator' && !ctx.policy.automatic) {
    return decide(ctx, open ?? previous, {
      outcome: 'awaitPerson', reason: ConditionReason.AwaitingManualRecovery, members: [quorum.pod],
      message: `automatic recovery is off; would run ${quorum.message}`,
    });
  }
  const generation = open?.generation ?? nextGeneration(ctx, previous);
  const recovery: RecoveryStatus = {
    ...freshRecovery(generation, 'QuorumLoss', 'Bootstrapping', ctx.now),
    source: quorum.pod, chosenBy: quorum.chosenBy, reported: snapshotPositions(ctx.members, open?.reported),
  };
  return decide(ctx, recovery, {
    outcome: 'act', reason: quorum.reason, message: quorum.message, members: [quorum.pod],
    action: { type: 'pcBootstrap', pod: quorum.pod, generation },
    clearExplicitChoice: quorum.chosenBy === 'person',
  });
}
