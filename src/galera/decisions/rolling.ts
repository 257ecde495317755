/**
 * Rolling changes (image, my.cnf, resources): which member to restart next, one at a time.
 * Order: the non-writers from the highest ordinal down, the writer last. Each member is drained
 * from the proxy first (no failed transaction on restart) and put back once Synced and Ready;
 * the next one waits until every member is Synced and Ready.
 *
 * A member that does not come back on the new template (its container keeps failing) stops the
 * roll: the others keep serving the old template, and the reason names the member. Members still
 * on an old template that are failing anyway (e.g. after the user reverted a broken change) are
 * restarted first: they serve nothing, and waiting for them to become Ready would never end.
 */
import { ConditionReason } from './reasons.js';
import { byOrdinal, podNames } from './observations.js';

export interface RollingMember {
  pod: string;
  ordinal: number;
  /** The pod's template revision (controller-revision-hash). */
  revision: string;
  /** The pod's Ready condition (readiness = Primary ∧ Synced). */
  ready: boolean;
  /** Galera Primary ∧ Synced, read over SQL. */
  synced: boolean;
  /** Taken out of the proxy (HAProxy drain, or desynced for ProxySQL). */
  drained: boolean;
  /** Set when its container keeps failing (CrashLoopBackOff, agent phase Failed, …). */
  failure: { reason: string; message: string } | null;
}

export interface RollingInput {
  desiredRevision: string;
  members: readonly RollingMember[];
  /** The proxy's current writer (pod name). */
  writer?: string;
}

export type RollingStep =
  | { step: 'done'; reason: ConditionReason; message: string }
  | { step: 'wait'; reason: ConditionReason; message: string; members: string[] }
  | { step: 'drain' | 'restart' | 'undrain'; pod: string; reason: ConditionReason; message: string; remaining: string[] }
  | { step: 'stopped'; pod: string; reason: ConditionReason; message: string };

const healthy = (m: RollingMember): boolean => m.ready && m.synced && m.failure === null;

/** Members still on an old template, in the order they are to be restarted. */
export function rollOrder(input: RollingInput): RollingMember[] {
  const outdated = byOrdinal(input.members.filter((m) => m.revision !== input.desiredRevision)).reverse();
  const writer = outdated.filter((m) => m.pod === input.writer);
  return [...outdated.filter((m) => m.pod !== input.writer), ...writer];
}

export function nextRollingStep(input: RollingInput): RollingStep {
  const order = rollOrder(input);
  const remaining = order.map((m) => m.pod);
  const broken = byOrdinal(input.members.filter((m) => m.revision === input.desiredRevision && m.failure !== null))[0];
  if (broken?.failure) {
    return {
      step: 'stopped', pod: broken.pod, reason: ConditionReason.RollingUpdateStopped,
      message: `${broken.pod} does not come back on the new template (${broken.failure.reason}: ${broken.failure.message}); ` +
        `roll stopped with ${remaining.length} member(s) left on the old template`,
    };
  }
  const failingOld = order.find((m) => m.failure !== null);
  if (failingOld?.failure) {
    return {
      step: 'restart', pod: failingOld.pod, reason: ConditionReason.RollingUpdate, remaining,
      message: `restarting ${failingOld.pod} first: it is failing on the old template (${failingOld.failure.reason})`,
    };
  }
  const target = order[0];
  const backInService = byOrdinal(input.members.filter((m) => m.drained && m !== target && healthy(m)))[0];
  if (backInService !== undefined) {
    return { step: 'undrain', pod: backInService.pod, reason: ConditionReason.RollingUpdate, remaining,
      message: `${backInService.pod} is Synced and Ready again: back into the proxy` };
  }
  if (target === undefined) {
    const drained = input.members.filter((m) => m.drained);
    if (drained.length > 0) {
      return { step: 'wait', reason: ConditionReason.RollingUpdate, members: podNames(drained),
        message: `waiting for ${podNames(drained).join(', ')} to be Synced and Ready before putting back into the proxy` };
    }
    return { step: 'done', reason: ConditionReason.RollingUpdate, message: 'every member runs the desired template' };
  }
  // The drained target may be desynced on purpose; everyone else must be serving.
  const notServing = input.members.filter((m) => !healthy(m) && !(m === target && m.drained));
  if (notServing.length > 0) {
    return { step: 'wait', reason: ConditionReason.RollingUpdate, members: podNames(notServing),
      message: `waiting for ${podNames(notServing).join(', ')} to be Synced and Ready before restarting ${target.pod}` };
  }
  if (!target.drained) {
    return { step: 'drain', pod: target.pod, reason: ConditionReason.RollingUpdate, remaining,
      message: `draining ${target.pod} from the proxy before its restart` };
  }
  return { step: 'restart', pod: target.pod, reason: ConditionReason.RollingUpdate, remaining,
    message: `restarting ${target.pod} (${remaining.length} left${target.pod === input.writer ? ', the writer last' : ''})` };
}
