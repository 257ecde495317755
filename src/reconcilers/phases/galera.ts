/**
 * The Galera lifecycle: observe every member, let the pure decision say what to do, record the
 * decision in status BEFORE acting (an operator restarted mid-step resumes from it), then carry
 * out at most one action: an instruction to a member's agent or pc.bootstrap on a member.
 */
import { sendInstruction } from '../../galera/agent-client.js';
import {
  decideLifecycle,
  summarizeCluster,
  type LifecycleAction,
  type LifecycleDecision,
} from '../../galera/decisions/index.js';
import { setPcBootstrap } from '../../mysql/index.js';
import { CREDENTIAL_KEYS } from '../builders/credentials.js';
import type { Phase, Scope } from '../scope.js';
import { observeMembers, rootEndpoint, type ObservedMember } from './galera-observe.js';
import { recoveryFromStatus, recoveryToStatus } from './recovery-record.js';
import { clusterPath } from '../resources.js';

/** How soon to look again while the cluster is not steady. */
const ACTIVE_REQUEUE_MS = 1000;

async function carryOut(scope: Scope, action: LifecycleAction, members: ObservedMember[]): Promise<string | null> {
  const target = members.find((m) => m.observation.pod === action.pod)?.pod;
  const host = target?.status?.podIP;
  if (!host) return `${action.pod} has no address`;
  if (action.type === 'instruct') {
    const result = await sendInstruction({ host, token: scope.credentials[CREDENTIAL_KEYS.agentToken] ?? '' }, action.instruction);
    if (!result.ok) return `${action.pod}: ${result.error.message}`;
    if (!result.value.accepted) return `${action.pod} refused the instruction: ${result.value.reason}`;
    return null;
  }
  const result = await setPcBootstrap(rootEndpoint(scope, host));
  return result.ok ? null : `${action.pod}: ${result.error.message}`;
}

function recordDecision(scope: Scope, decision: LifecycleDecision): boolean {
  const before = JSON.stringify([scope.status.recovery, scope.status.clusterUUID]);
  if (decision.recovery) scope.status.recovery = recoveryToStatus(decision.recovery);
  if (decision.clusterUuid) scope.status.clusterUUID = decision.clusterUuid;
  return JSON.stringify([scope.status.recovery, scope.status.clusterUUID]) !== before;
}

function setConditions(scope: Scope, decision: LifecycleDecision, members: ObservedMember[]): void {
  const summary = summarizeCluster(members.map((m) => m.observation));
  const online = summary.state === 'Online';
  scope.condition({ type: 'GaleraReady', status: online ? 'True' : 'False', reason: summary.reason, message: summary.message });
  const open = scope.status.recovery !== undefined && scope.status.recovery.phase !== 'Done';
  scope.condition({
    type: 'Recovering',
    status: open ? 'True' : 'False',
    reason: open ? decision.reason : 'NoRecovery',
    message: open ? decision.message : 'no recovery in progress',
  });
  const stalled = decision.outcome === 'stall' || decision.outcome === 'awaitPerson';
  const who = decision.members.length ? ` (${decision.members.join(', ')})` : '';
  scope.condition({
    type: 'RecoveryStalled',
    status: stalled ? 'True' : 'False',
    reason: stalled ? decision.reason : 'NotStalled',
    message: stalled ? `${decision.message}${who}` : 'nothing waits for a person',
  });
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
    const decision = decideLifecycle({
      members: members.map((m) => m.observation),
      recordedClusterUuid: scope.status.clusterUUID,
      recovery: recoveryFromStatus(scope.status.recovery),
      policy: { automatic: scope.spec.recovery.automatic, bootstrapFrom: scope.spec.recovery.bootstrapFrom },
      now: new Date(),
    });
    const changed = recordDecision(scope, decision);
    if (changed || decision.outcome === 'act') {
      scope.log.info({ outcome: decision.outcome, reason: decision.reason, action: decision.action, recovery: scope.status.recovery?.phase }, decision.message);
    }
    setConditions(scope, decision, members);
    if (decision.outcome !== 'steady') scope.requeue(ACTIVE_REQUEUE_MS);
    if (decision.outcome === 'stall' && changed) scope.event('Warning', decision.reason, decision.message);
    if (decision.outcome !== 'act' || !decision.action) return 'continue';

    // Persist first: the generation and the chosen source must survive a crash of this process.
    if (changed) await scope.writeStatus();
    if (decision.clearExplicitChoice) await clearExplicitChoice(scope);
    const failure = await carryOut(scope, decision.action, members);
    if (failure) {
      scope.log.warn({ action: decision.action.type, pod: decision.action.pod }, failure);
      scope.event('Warning', 'ActionFailed', failure);
    } else {
      scope.event('Normal', decision.reason, decision.message);
    }
    return 'continue';
  },
};
