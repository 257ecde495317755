/**
 * Scaling, one member at a time (nextScalingStep), only while every member that stays is
 * Synced and Ready, no recovery runs and no rollout has a member in flight. Up: the StatefulSet
 * grows by one; the new member starts Waiting, the galera phase tells it to join, and the next
 * is added once it serves. Down: lowered by one from the highest ordinal; the pod deletion sends
 * SIGTERM to mariadbd (the entrypoint execs it), which leaves the cluster cleanly. The volumes of
 * removed members are kept (whenScaled: Retain); a later scale-up reuses them.
 *
 * `statefulSetReplicas` is asked by the members phase for the replica count to apply; the
 * scaling phase (after galera) reports the Scaling condition.
 */
import { getCondition } from '../../runtime/index.js';
import { nextScalingStep, type ScalingMember, type ScalingStep } from '../../galera/decisions/index.js';
import { podReady, viewOf, wsrepSynced, type MemberView } from '../rollout/members.js';
import type { Phase, Scope } from '../scope.js';
import { memberPods, observeMembers } from './galera-observe.js';
import { memberDrained } from './proxy-drain.js';
import { ordinalOf, statefulSetOf } from './rollout.js';

/** The scaling step decided in this reconcile (for the condition). */
const decided = new WeakMap<Scope, ScalingStep>();

/** How soon to look again while members are being added or removed. */
const SCALING_REQUEUE_MS = 2000;

/**
 * Serving for scaling: Ready, Primary ∧ Synced, and its component counts no more members than
 * the StatefulSet keeps (a member that crashed instead of leaving is evicted first).
 */
export function servesForScaling(view: MemberView, statefulSetReplicas: number): boolean {
  return podReady(view.object) && wsrepSynced(view.wsrep) && (view.wsrep?.clusterSize ?? Infinity) <= statefulSetReplicas;
}

function scalingHold(scope: Scope): string | null {
  const recovery = scope.status.recovery;
  if (recovery && recovery.phase !== 'Done') return `a recovery is in progress (${recovery.phase})`;
  const rollout = scope.status.rollout;
  if (rollout?.member) return `a rollout is restarting ${rollout.member} (${rollout.phase ?? 'Draining'})`;
  return null;
}

async function decideStep(scope: Scope, current: number): Promise<ScalingStep> {
  const observed = await observeMembers(scope, current);
  const members: ScalingMember[] = observed.map((o) => {
    const view = viewOf(o);
    return { pod: view.pod, ordinal: view.ordinal, serving: Boolean(view.object) && servesForScaling(view, current), drained: false };
  });
  for (const pod of memberPods(scope).keys()) {
    const ordinal = ordinalOf(scope.ref.name, pod);
    if (ordinal >= current) members.push({ pod, ordinal, serving: false, drained: true });
  }
  // Shrinking: the member to leave next is drained from the proxy first.
  const leaving = scope.spec.replicas < current ? members.find((m) => m.ordinal === current - 1) : undefined;
  if (leaving?.serving) leaving.drained = await memberDrained(scope, leaving.pod);
  return nextScalingStep({ desiredReplicas: scope.spec.replicas, statefulSetReplicas: current, members, hold: scalingHold(scope) });
}

/** The replica count for the StatefulSet now: spec.replicas at creation, else one step towards it. */
export async function statefulSetReplicas(scope: Scope): Promise<number> {
  const current = statefulSetOf(scope)?.spec?.replicas;
  const desired = scope.spec.replicas;
  // A new cluster starts with every member at once: the first bootstrap needs them all.
  if (current === undefined || desired === current) return desired;
  const step = await decideStep(scope, current);
  decided.set(scope, step);
  if (step.step !== 'scaleDown' && step.step !== 'scaleUp') return current;
  scope.log.info({ from: current, to: step.replicas }, step.message);
  scope.event('Normal', step.reason, step.message);
  return step.replicas;
}

export const scalingPhase: Phase = {
  name: 'scaling',
  async run(scope) {
    const wanted = scope.spec.replicas;
    const step = decided.get(scope);
    if (step && step.step !== 'none') {
      scope.condition({ type: 'Scaling', status: 'True', reason: step.reason, message: step.message });
      scope.requeue(SCALING_REQUEUE_MS);
      return 'continue';
    }
    // The last member added: until it (and every other) serves.
    const serving = scope.members.filter((m) => wsrepSynced(m.wsrep)).length;
    const wasScaling = getCondition(scope.status.conditions as never, 'Scaling')?.status === 'True';
    if (wasScaling && serving < wanted) {
      scope.condition({ type: 'Scaling', status: 'True', reason: 'Scaling', message: `${serving}/${wanted} members Synced; the last one added is joining` });
      return 'continue';
    }
    scope.condition({ type: 'Scaling', status: 'False', reason: 'ScalingComplete', message: `${wanted} member(s) wanted and present` });
    return 'continue';
  },
};
