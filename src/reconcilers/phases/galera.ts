/**
 * The Galera lifecycle: observe every member, let the pure decision say what to do, record the
 * decision in status BEFORE acting (an operator restarted mid-step resumes from it), then carry
 * out at most one action: an instruction to a member's agent or pc.bootstrap on a member.
 */
import { getReport, sendInstruction } from '../../galera/agent-client.js';
import { galeraConditions } from '../../galera/decisions/conditions.js';
import { recoveryOverdue } from '../../galera/decisions/overdue.js';
import {
  decideLifecycle,
  summarizeCluster,
  type ClusterSummary,
  type LifecycleAction,
  type LifecycleDecision,
} from '../../galera/decisions/index.js';
import { quantityToNanos } from '../../crd/quantity.js';
import { setPcBootstrap } from '../../mysql/index.js';
import { getCondition } from '../../runtime/index.js';
import { CREDENTIAL_KEYS } from '../builders/credentials.js';
import type { Phase, Scope } from '../scope.js';
import { observeMembers, rootEndpoint, type ObservedMember } from './galera-observe.js';
import { recoveryFromStatus, recoveryToStatus } from './recovery-record.js';
import { clusterPath } from '../resources.js';
import { REVISION_LABEL } from '../rollout/members.js';

/** How soon to look again while the cluster is not steady. */
const ACTIVE_REQUEUE_MS = 1000;

async function carryOut(scope: Scope, action: LifecycleAction, members: ObservedMember[]): Promise<string | null> {
  const target = members.find((m) => m.observation.pod === action.pod)?.pod;
  const host = target?.status?.podIP;
  if (!host) return `${action.pod} has no address`;
  if (action.type === 'instruct') {
    const agent = { host, token: scope.credentials[CREDENTIAL_KEYS.agentToken] ?? '' };
    const result = await sendInstruction(agent, action.instruction);
    if (!result.ok) return `${action.pod}: ${result.error.message}`;
    if (result.value.accepted) return null;
    // Reconciles overlap with the member's 0.2 s poll: it may have taken this very order already.
    const report = await getReport(agent);
    const taken = report.ok && report.value.lastInstruction?.action === action.instruction.action &&
      report.value.lastInstruction.generation === action.instruction.generation;
    return taken ? null : `${action.pod} refused the instruction: ${result.value.reason}`;
  }
  const result = await setPcBootstrap(rootEndpoint(scope, host));
  return result.ok ? null : `${action.pod}: ${result.error.message}`;
}

/**
 * A member whose roll is Blocked still runs the revision that keeps mariadbd from starting:
 * telling it to join would make a healthy member its donor at every crash-loop, for nothing.
 * Once the rollout restarts it on another revision it joins as usual.
 */
function joinsBrokenRollout(scope: Scope, action: LifecycleAction, members: ObservedMember[]): boolean {
  const rollout = scope.status.rollout;
  if (action.type !== 'instruct' || action.instruction.action !== 'join') return false;
  if (rollout?.phase !== 'Blocked' || rollout.member !== action.pod) return false;
  const pod = members.find((m) => m.observation.pod === action.pod)?.pod;
  const held = pod?.metadata?.labels?.[REVISION_LABEL] === rollout.revision;
  if (held) scope.log.info({ pod: action.pod }, 'not telling a member blocked by its rollout to join');
  return held;
}

function recordDecision(scope: Scope, decision: LifecycleDecision): boolean {
  const before = JSON.stringify([scope.status.recovery, scope.status.clusterUUID]);
  if (decision.recovery) scope.status.recovery = recoveryToStatus(decision.recovery);
  if (decision.clusterUuid) scope.status.clusterUUID = decision.clusterUuid;
  return JSON.stringify([scope.status.recovery, scope.status.clusterUUID]) !== before;
}

/** Bytes of one member's volume, for phase bounds that scale with data (0 when unparseable). */
function memberDataBytes(scope: Scope): number {
  const nanos = quantityToNanos(scope.spec.storage.size);
  return nanos === null ? 0 : Number(nanos / 1_000_000_000n);
}

/** GaleraReady, Recovering and RecoveryStalled from the decision; an Event when a phase turns overdue. */
function setConditions(scope: Scope, decision: LifecycleDecision, summary: ClusterSummary, now: Date): void {
  const recovery = recoveryFromStatus(scope.status.recovery);
  const overdue = recoveryOverdue(recovery, now, memberDataBytes(scope));
  const wasOverdue = getCondition(scope.status.conditions as never, 'RecoveryStalled')?.reason === 'RecoveryPhaseOverdue';
  for (const condition of galeraConditions(decision, summary, recovery, overdue)) scope.condition(condition);
  if (overdue && !wasOverdue) scope.event('Warning', 'RecoveryPhaseOverdue', overdue.message);
}

async function clearExplicitChoice(scope: Scope): Promise<void> {
  await scope.manager.rest.request('PATCH', clusterPath(scope.ref.namespace, scope.ref.name), {
    body: { spec: { recovery: { bootstrapFrom: null } } },
    contentType: 'application/merge-patch+json',
  });
}

export const galeraPhase: Phase = {
  name: 'galera',
  async run(scope) {
    const members = await observeMembers(scope, scope.spec.replicas);
    scope.members = members;
    const now = new Date();
    const wasOpen = scope.status.recovery !== undefined && scope.status.recovery.phase !== 'Done';
    const decision = decideLifecycle({
      members: members.map((m) => m.observation),
      recordedClusterUuid: scope.status.clusterUUID,
      recovery: recoveryFromStatus(scope.status.recovery),
      policy: { automatic: scope.spec.recovery.automatic, bootstrapFrom: scope.spec.recovery.bootstrapFrom },
      now,
    });
    const changed = recordDecision(scope, decision);
    if (changed || decision.outcome === 'act') {
      scope.log.info({ outcome: decision.outcome, reason: decision.reason, action: decision.action, recovery: scope.status.recovery?.phase }, decision.message);
    }
    const summary = summarizeCluster(members.map((m) => m.observation));
    setConditions(scope, decision, summary, now);
    if (wasOpen && scope.status.recovery?.phase === 'Done') {
      scope.event('Normal', 'RecoveryComplete', `recovery generation ${scope.status.recovery.generation} (${scope.status.recovery.kind}) complete: every member Synced`);
    }
    // Member states change without any Kubernetes event (a restarted member reaching Waiting
    // is a file in its pod): look again soon until every member is Synced.
    if (decision.outcome !== 'steady' || !summary.ready) scope.requeue(ACTIVE_REQUEUE_MS);
    if (decision.outcome === 'stall' && changed) scope.event('Warning', decision.reason, decision.message);
    if (decision.outcome !== 'act' || !decision.action) return 'continue';
    if (joinsBrokenRollout(scope, decision.action, members)) return 'continue';

    // Persist first: the generation and the chosen source must survive a crash of this process.
    if (changed) await scope.writeStatus();
    if (decision.clearExplicitChoice) await clearExplicitChoice(scope);
    const failure = await carryOut(scope, decision.action, members);
    if (failure) {
      scope.log.warn({ action: decision.action.type, pod: decision.action.pod }, failure);
      scope.event('Warning', 'ActionFailed', failure);
    } else {
      // The generation in the note keeps each recovery's steps apart from earlier identical ones.
      const generation = decision.action.type === 'instruct' ? decision.action.instruction.generation : decision.action.generation;
      scope.event('Normal', decision.reason, `${decision.message} (generation ${generation})`);
    }
    return 'continue';
  },
};
