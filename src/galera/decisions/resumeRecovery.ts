/**
 * Resuming a recovery that has a source (phase Bootstrapping, Joining, or Stalled after the
 * choice). Level-triggered: the step is derived from status and fresh reports only, so an
 * operator restarted anywhere continues where the status says.
 *
 * The chosen source is never swapped for another automatically while it exists: if it fails the
 * recovery stalls until it comes back (and is still the safe choice) or a person chooses. Only a
 * source that is gone for good (pod and PVC deleted) opens a new generation on its own.
 */
import { ConditionReason } from './reasons.js';
import { electBootstrapSource } from './election.js';
import { decideQuorumRecovery } from './quorumLoss.js';
import { decide, everyMemberSynced, joinStep, nextGeneration, type Context } from './lifecycleContext.js';
import { collect, orderBootstrap, startFullCrash, startQuorumRecovery } from './startRecovery.js';
import {
  hasSettled,
  isRunningNonPrimary,
  isRunningPrimary,
  podNames,
  type MemberObservation,
  type ReportedMember,
} from './observations.js';
import { advance, freshRecovery, snapshotPositions, type LifecycleDecision, type RecoveryStatus } from './progress.js';

function tookBootstrapOrder(m: MemberObservation, generation: number): boolean {
  const last = m.kind === 'reported' ? m.report.lastInstruction : null;
  return last !== null && last.action === 'bootstrap' && last.generation === generation;
}

function stall(ctx: Context, recovery: RecoveryStatus, reason: ConditionReason, message: string, members: string[]): LifecycleDecision {
  return decide(ctx, advance(recovery, { phase: 'Stalled' }, ctx.now), { outcome: 'stall', reason, message, members });
}

/** A new-cluster source may be asked again only while nobody else holds data. */
function retellFirstBootstrap(ctx: Context, recovery: RecoveryStatus, source: string): LifecycleDecision {
  const others = ctx.members.filter((m) => m.pod !== source && !(m.kind === 'podMissing' && !m.pvcExists));
  const holding = others.filter((m) => m.kind === 'reported' && hasSettled(m.report) && !m.report.datadirEmpty);
  if (holding.length > 0) {
    return stall(ctx, recovery, ConditionReason.SourceNoLongerSafe,
      `${source} restarted during the first bootstrap but ${podNames(holding).join(', ')} already hold(s) data`, [source, ...podNames(holding)]);
  }
  const unheard = others.filter((m) => m.kind !== 'reported' || !hasSettled(m.report));
  if (unheard.length > 0) {
    return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersNotReported, members: podNames(unheard),
      message: `${source} is waiting again; checking that ${podNames(unheard).join(', ')} still hold no data first` });
  }
  return orderBootstrap(ctx, advance(recovery, { phase: 'Bootstrapping' }, ctx.now), `new cluster: ${source} bootstraps (asked again)`, false);
}

/** The source is Waiting (again): order it once more, if it is still the safe choice. */
function retell(ctx: Context, recovery: RecoveryStatus, source: string): LifecycleDecision {
  if (recovery.kind === 'FirstBootstrap') return retellFirstBootstrap(ctx, recovery, source);
  // A person naming the source vouches for it as for any explicit choice.
  const named = ctx.explicitChoice === source;
  const personal = recovery.chosenBy === 'person' || named;
  const election = electBootstrapSource({
    members: ctx.members,
    ...(ctx.recordedUuid === undefined ? {} : { recordedUuid: ctx.recordedUuid }),
    ...(personal ? { explicitChoice: source } : {}),
  });
  if (election.outcome === 'elected' && election.source === source) {
    // A quorum-loss source that stopped is now bootstrapped like after a full crash.
    const next = advance(recovery, { phase: 'Bootstrapping', kind: 'FullCrash', chosenBy: personal ? 'person' : 'operator' }, ctx.now);
    return orderBootstrap(ctx, next, `${election.message} (asked again)`, named);
  }
  if (election.outcome === 'wait') {
    return decide(ctx, recovery, { outcome: 'wait', reason: election.reason, message: election.message, members: election.members });
  }
  const why = election.outcome === 'elected' ? `${election.source} now looks safer: ${election.message}` : election.message;
  return stall(ctx, recovery, ConditionReason.SourceNoLongerSafe, `${source} is waiting again but is no longer the safe choice (${why})`,
    [source, ...election.members.filter((p) => p !== source)]);
}

/** A Primary component exists while the source was ordered to bootstrap. */
function primaryDuringBootstrap(ctx: Context, recovery: RecoveryStatus, source: string): LifecycleDecision {
  const sourceMember = ctx.members.find((m) => m.pod === source);
  if (sourceMember !== undefined && isRunningPrimary(sourceMember)) {
    return joinStep(ctx, advance(recovery, { phase: 'Joining' }, ctx.now));
  }
  const untouched = sourceMember?.kind === 'reported' && sourceMember.report.phase === 'Waiting' &&
    !tookBootstrapOrder(sourceMember, recovery.generation);
  if (untouched || sourceMember === undefined || (sourceMember.kind === 'podMissing' && !sourceMember.pvcExists)) {
    // The source never acted on the order: join everyone to the Primary that came back.
    return joinStep(ctx, advance(recovery, { phase: 'Joining', reason: ConditionReason.PrimaryReturned }, ctx.now));
  }
  const primaries = podNames(ctx.members.filter(isRunningPrimary));
  return stall(ctx, recovery, ConditionReason.UnexpectedPrimary,
    `${primaries.join(', ')} became Primary while ${source} was ordered to bootstrap`, [source, ...primaries]);
}

function bootstrappingStep(ctx: Context, recovery: RecoveryStatus): LifecycleDecision {
  const source = recovery.source as string;
  if (ctx.members.some(isRunningPrimary)) return primaryDuringBootstrap(ctx, recovery, source);
  const member = ctx.members.find((m) => m.pod === source);
  if (member === undefined || (member.kind === 'podMissing' && !member.pvcExists)) {
    // The source no longer exists at all: a new election is the only way forward.
    return startFullCrash(ctx, recovery);
  }
  if (member.kind === 'unreachable') {
    return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersUnreachable, members: [source],
      message: `the chosen source ${source} does not answer` });
  }
  if (member.kind === 'podMissing') {
    return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersMissing, members: [source],
      message: `waiting for the chosen source ${source}'s pod to come back` });
  }
  return reportedSourceStep(ctx, recovery, member);
}

/**
 * The survivor is still not Primary: repeat pc.bootstrap on it — never on another — once the
 * picture is as safe as when it was chosen (nobody unheard, nobody known to be ahead of it).
 */
function repeatPcBootstrap(ctx: Context, recovery: RecoveryStatus, pod: string): LifecycleDecision {
  const quorum = decideQuorumRecovery({ members: ctx.members, explicitChoice: pod });
  if (quorum.outcome === 'pcBootstrap') {
    return decide(ctx, recovery, { outcome: 'act', reason: ConditionReason.QuorumRestoring, members: [pod],
      message: `pc.bootstrap on ${pod} (asked again, still not Primary)`,
      action: { type: 'pcBootstrap', pod, generation: recovery.generation } });
  }
  if (quorum.outcome === 'wait' || quorum.outcome === 'none') {
    return decide(ctx, recovery, { outcome: 'wait', reason: quorum.reason, message: quorum.message, members: quorum.members });
  }
  return stall(ctx, recovery, ConditionReason.SourceNoLongerSafe,
    `${pod} is still not Primary and may no longer be bootstrapped: ${quorum.message}`, [pod, ...quorum.members.filter((p) => p !== pod)]);
}

function reportedSourceStep(ctx: Context, recovery: RecoveryStatus, member: ReportedMember): LifecycleDecision {
  const { pod } = member;
  switch (member.report.phase) {
    case 'Waiting':
      return retell(ctx, recovery, pod);
    case 'Failed':
      return stall(ctx, recovery, ConditionReason.SourceFailed,
        `the chosen source ${pod} failed: ${member.report.message ?? 'no message'}`, [pod]);
    case 'Running':
      if (recovery.kind === 'QuorumLoss' && member.live !== null) return repeatPcBootstrap(ctx, recovery, pod);
      break;
    case 'Initializing':
    case 'Recovering':
      return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.MembersNotReported, members: [pod],
        message: `the chosen source ${pod} restarted and is recovering its position` });
    case 'Starting':
      break;
  }
  return decide(ctx, recovery, { outcome: 'wait', reason: ConditionReason.BootstrappingSource, members: [pod],
    message: `waiting for ${pod} to become Primary` });
}

/** Joining: members join one at a time; Done once every member that exists is Synced. */
function joiningStep(ctx: Context, recovery: RecoveryStatus): LifecycleDecision | null {
  if (!ctx.members.some(isRunningPrimary)) return null;
  if (everyMemberSynced(ctx)) {
    return decide(ctx, advance(recovery, { phase: 'Done' }, ctx.now), {
      outcome: 'steady', reason: ConditionReason.RecoveryComplete, message: `recovery generation ${recovery.generation} complete`,
    });
  }
  return joinStep(ctx, recovery);
}

/**
 * A person chose another source for a stalled recovery. Only an acceptable choice opens a new
 * generation (which fences the old order); a refused one leaves the old source on record.
 */
function switchSourceByChoice(ctx: Context, recovery: RecoveryStatus, choice: string): LifecycleDecision {
  const election = electBootstrapSource({
    members: ctx.members,
    ...(ctx.recordedUuid === undefined ? {} : { recordedUuid: ctx.recordedUuid }),
    explicitChoice: choice,
  });
  if (election.outcome !== 'elected') {
    return decide(ctx, recovery, { outcome: election.outcome, reason: election.reason, message: election.message, members: election.members });
  }
  const next: RecoveryStatus = {
    ...freshRecovery(nextGeneration(ctx, recovery), 'FullCrash', 'Bootstrapping', ctx.now),
    source: choice, chosenBy: 'person', reported: snapshotPositions(ctx.members, recovery.reported),
  };
  return orderBootstrap(ctx, next, election.message, true);
}

/**
 * Continue an open recovery. Returns null when the recovery no longer applies (its Primary was
 * lost again after the bootstrap): the caller then treats the cluster afresh.
 */
export function resumeRecovery(ctx: Context, recovery: RecoveryStatus): LifecycleDecision | null {
  if (recovery.phase === 'Joining') return joiningStep(ctx, recovery);
  if (recovery.source === undefined) {
    if (ctx.members.some(isRunningPrimary)) {
      // Nothing was ordered in this generation: the cluster came back by itself.
      return joinStep(ctx, advance(recovery, { phase: 'Done', reason: ConditionReason.PrimaryReturned }, ctx.now));
    }
    if (ctx.members.some(isRunningNonPrimary)) return startQuorumRecovery(ctx, recovery, recovery);
    return collect(ctx, recovery);
  }
  const choice = ctx.explicitChoice;
  if (recovery.phase === 'Stalled' && choice !== undefined && choice !== recovery.source) {
    return switchSourceByChoice(ctx, recovery, choice);
  }
  return bootstrappingStep(ctx, recovery);
}
