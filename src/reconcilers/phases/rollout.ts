/**
 * Rolling changes: members whose pod runs an older template than the StatefulSet's update
 * revision are restarted one at a time, writer last (the decision is nextRollingStep). The
 * step is recorded in status.rollout BEFORE acting, so a restarted operator resumes it; the
 * proxy phase drains the member named there, and its pod is deleted only once memberDrained
 * says so; once back and Synced it must be routed to by every proxy (memberReturned, bounded)
 * before the next member is drained. A member that does not come back blocks the roll
 * (RollingUpdate=False, RolloutBlocked, naming the member and the error) and nobody else is
 * restarted.
 */
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import {
  chooseWriter,
  nextRollingStep,
  PROXY_RETURN_BOUND_MS,
  type RollingInput,
  type RollingMember,
  type RollingStep,
  type RolloutPhase,
  type RolloutRecord,
} from '../../galera/decisions/index.js';
import type { RolloutStatus } from '../../crd/mysqlcluster.js';
import { isConflict, isNotFound, Resources } from '../../runtime/index.js';
import { comebackBoundMs, desiredRevision, rollingMember, viewOf } from '../rollout/members.js';
import type { Phase, Scope } from '../scope.js';
import { memberPods, observedMember } from './galera-observe.js';
import { memberDrained, memberReturned } from './proxy-drain.js';

/** How soon to look again while a roll is under way. */
const ROLLING_REQUEUE_MS = 2000;
/** A blocked roll changes only when the spec (an event) or the member's state does. */
const BLOCKED_REQUEUE_MS = 10_000;
const PHASES: readonly RolloutPhase[] = ['Draining', 'Restarting', 'WaitingSynced', 'Returning', 'Blocked'];

export function statefulSetOf(scope: Scope): V1StatefulSet | undefined {
  return scope.manager.informer<V1StatefulSet>(Resources.StatefulSet).get(scope.ref.namespace, scope.ref.name);
}

function recordFromStatus(status: RolloutStatus | undefined): RolloutRecord | undefined {
  if (!status) return undefined;
  const phase = PHASES.find((p) => p === status.phase);
  return {
    revision: status.revision,
    ...(status.member ? { member: status.member } : {}),
    ...(phase ? { phase } : {}),
    ...(status.since ? { since: status.since } : {}),
    ...(status.message ? { message: status.message } : {}),
    ...(status.updated !== undefined ? { updated: status.updated } : {}),
  };
}

/**
 * The record this process last wrote per cluster, with the resourceVersion the cluster had
 * then: while the cache still shows that version, its status predates the write and the
 * remembered record is the current one (a stale record would undo a step).
 */
const lastWritten = new Map<string, { resourceVersion: string | undefined; record: RolloutRecord | undefined }>();

function currentRecord(scope: Scope): RolloutRecord | undefined {
  const remembered = lastWritten.get(scope.cluster.metadata?.uid ?? '');
  if (remembered && remembered.resourceVersion === scope.cluster.metadata?.resourceVersion) return remembered.record;
  return recordFromStatus(scope.status.rollout);
}

/** Ordinal of a member pod name `<cluster>-<n>`, or -1. */
export function ordinalOf(cluster: string, pod: string): number {
  const match = new RegExp(`^${cluster.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(pod);
  return match ? Number(match[1]) : -1;
}

/** Why no member may be restarted now, or null. */
function rolloutHold(scope: Scope, sts: V1StatefulSet): string | null {
  const recovery = scope.status.recovery;
  if (recovery && recovery.phase !== 'Done') return `a recovery is in progress (${recovery.phase})`;
  const beyond = [...memberPods(scope).keys()].filter((pod) => ordinalOf(scope.ref.name, pod) >= scope.spec.replicas);
  if ((sts.spec?.replicas ?? 0) > scope.spec.replicas || beyond.length > 0) return 'members are being removed (scale-down)';
  return null;
}

function writerOf(scope: Scope, members: RollingMember[]): string | undefined {
  if (scope.status.writer) return scope.status.writer;
  return chooseWriter(members.map((m) => ({ pod: m.pod, ordinal: m.ordinal, ready: m.ready, synced: m.synced }))).writer ?? undefined;
}

/** Asked only of a restarted member that serves again (WaitingSynced or Returning). */
async function returnedToProxies(scope: Scope, record: RolloutRecord | undefined, members: RollingMember[]): Promise<boolean | undefined> {
  if (!record?.member || (record.phase !== 'WaitingSynced' && record.phase !== 'Returning')) return undefined;
  const m = members.find((x) => x.pod === record.member);
  if (!m?.ready || !m.synced) return undefined;
  return memberReturned(scope, record.member);
}

async function deletePod(scope: Scope, pod: V1Pod): Promise<void> {
  const path = `/api/v1/namespaces/${scope.ref.namespace}/pods/${pod.metadata!.name!}`;
  try {
    // The uid precondition: never delete the pod the StatefulSet has re-created meanwhile.
    await scope.manager.rest.request('DELETE', path, {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: pod.metadata!.uid! } },
    });
  } catch (err) {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}

/** Writes status.rollout and the RollingUpdate condition; an Event when the step changed. */
function record(scope: Scope, step: RollingStep, before: RolloutRecord | undefined): void {
  scope.status.rollout = step.record;
  lastWritten.set(scope.cluster.metadata?.uid ?? '', { resourceVersion: scope.cluster.metadata?.resourceVersion, record: step.record });
  scope.condition({
    type: 'RollingUpdate',
    status: step.state === 'rolling' ? 'True' : 'False',
    reason: step.reason,
    message: step.message,
  });
  const moved = before?.member !== step.record?.member || before?.phase !== step.record?.phase;
  if (!moved || (before === undefined && step.state === 'upToDate')) return;
  if (step.state === 'blocked') scope.event('Warning', step.reason, step.message);
  else if (step.record?.member || step.state === 'upToDate') scope.event('Normal', step.reason, step.message);
  scope.log.info({ rollout: step.record, action: step.action }, step.message);
}

export const rolloutPhase: Phase = {
  name: 'rollout',
  async run(scope) {
    const sts = statefulSetOf(scope);
    const revision = desiredRevision(sts);
    if (!sts || revision === null) {
      // The StatefulSet controller has not seen the latest template yet.
      scope.requeue(ROLLING_REQUEUE_MS);
      return 'continue';
    }
    const members = scope.members.map((m) => rollingMember(viewOf(m)));
    const before = currentRecord(scope);
    const input: RollingInput = {
      desiredRevision: revision,
      members,
      writer: writerOf(scope, members),
      record: before,
      // Asked only while draining: the answer matters for nothing else.
      drained: before?.member && (before.phase ?? 'Draining') === 'Draining' ? await memberDrained(scope, before.member) : false,
      returned: await returnedToProxies(scope, before, members),
      hold: rolloutHold(scope, sts),
      now: new Date(),
      comebackBoundMs: comebackBoundMs(scope.spec.storage.size),
    };
    const first = nextRollingStep(input);
    if (before?.phase === 'Returning' && input.returned === false && first.record?.member !== before.member) {
      scope.log.warn({ member: before.member }, `not every proxy routes to ${before.member} after ${PROXY_RETURN_BOUND_MS / 1000} s; the roll goes on`);
    }
    let step = first;
    if (first.action === 'drain' && first.pod) {
      // Name the member first (the proxy drains what status.rollout names), then ask again.
      record(scope, first, before);
      await scope.writeStatus();
      step = nextRollingStep({ ...input, record: first.record, drained: await memberDrained(scope, first.pod) });
    }
    record(scope, step, step === first ? before : first.record);
    if (step.action === 'restart' && step.pod) {
      const pod = observedMember(scope, step.pod)?.pod;
      await scope.writeStatus(); // persisted before the pod goes
      if (pod) await deletePod(scope, pod);
    }
    if (step.state !== 'upToDate') scope.requeue(step.state === 'blocked' ? BLOCKED_REQUEUE_MS : ROLLING_REQUEUE_MS);
    return 'continue';
  },
};
