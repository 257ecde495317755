/**
 * Scaling, one member at a time in both directions, only while every member that stays is
 * Synced and Ready. Up: the StatefulSet grows by one; the new member starts Waiting and is told
 * to join; the next is added once it serves (so two joiners never race for a donor). Down: from
 * the highest ordinal; the leaving member is drained from the proxy
 * first and then removed by lowering the StatefulSet, whose pod deletion stops mariadbd with
 * SIGTERM (a clean leave that shrinks the cluster, not a crash that costs a quorum vote).
 * Never while a recovery runs or a rollout has a member in flight (`hold`).
 *
 * The gcomm:// list the operator renders follows the StatefulSet's replicas, so it grows with
 * each member added and shrinks only once a member is removed. `clusterAddressSize` is the
 * upper bound (every member that exists or is wanted): it never drops a running member and is
 * never empty.
 */
import { ConditionReason } from './reasons.js';
import { byOrdinal, podNames } from './observations.js';

export interface ScalingMember {
  pod: string;
  ordinal: number;
  /** Galera Primary ∧ Synced and the pod Ready. */
  serving: boolean;
  /** Taken out of the proxy. */
  drained: boolean;
}

export interface ScalingInput {
  /** spec.replicas */
  desiredReplicas: number;
  /** The StatefulSet's spec.replicas now. */
  statefulSetReplicas: number;
  /**
   * Members 0..statefulSetReplicas-1 (serving false when the pod is missing), and every other
   * member pod that still exists.
   */
  members: readonly ScalingMember[];
  /** Why no member may be removed now (a recovery, a member restart of a rollout), if any. */
  hold?: string | null;
}

interface StepBase {
  reason: ConditionReason;
  message: string;
  /** How many members `wsrep_cluster_address` lists now. */
  clusterAddressSize: number;
}

type ScalingAction =
  | { step: 'none' }
  | { step: 'scaleUp'; replicas: number }
  | { step: 'drain'; pod: string }
  | { step: 'scaleDown'; replicas: number; pod: string }
  | { step: 'wait'; members: string[] };

export type ScalingStep = StepBase & ScalingAction;

/** Members to list in gcomm://: everyone who exists or is wanted. */
export function clusterAddressSize(input: ScalingInput): number {
  const highest = Math.max(0, ...input.members.map((m) => m.ordinal + 1));
  return Math.max(1, input.desiredReplicas, input.statefulSetReplicas, highest);
}

export function nextScalingStep(input: ScalingInput): ScalingStep {
  const size = clusterAddressSize(input);
  const current = input.statefulSetReplicas;
  const members = byOrdinal(input.members);
  const step = (fields: ScalingAction & { message: string }): ScalingStep => ({ reason: ConditionReason.Scaling, clusterAddressSize: size, ...fields });
  const leftovers = members.filter((m) => m.ordinal >= current);
  if (leftovers.length > 0) {
    return step({ step: 'wait', members: podNames(leftovers), message: `waiting for ${podNames(leftovers).join(', ')} to leave the cluster` });
  }
  if (input.desiredReplicas === current || (input.desiredReplicas < current && current <= 1)) {
    return step({ step: 'none', message: `${current} members wanted and present` });
  }
  const growing = input.desiredReplicas > current;
  const change = growing ? `${input.desiredReplicas - current} member(s) to add` : `${current - input.desiredReplicas} member(s) to remove`;
  if (input.hold) return step({ step: 'wait', members: [], message: `${change}; waiting: ${input.hold}` });
  // Those that stay must serve; a member above the wanted size may be removed whatever its state.
  const notServing = members.filter((m) => m.ordinal < Math.min(current, input.desiredReplicas) && !m.serving);
  if (notServing.length > 0) {
    return step({ step: 'wait', members: podNames(notServing),
      message: `${change}; waiting for ${podNames(notServing).join(', ')} to be Synced and Ready first` });
  }
  if (growing) {
    return step({ step: 'scaleUp', replicas: current + 1,
      message: `adding member ${current} (${current} → ${current + 1}); the next is added once it is Synced` });
  }
  const leavingOrdinal = current - 1;
  const leaving = members.find((m) => m.ordinal === leavingOrdinal);
  if (leaving !== undefined && leaving.serving && !leaving.drained) {
    return step({ step: 'drain', pod: leaving.pod, message: `draining ${leaving.pod} from the proxy before it leaves` });
  }
  const pod = leaving?.pod ?? `ordinal ${leavingOrdinal}`;
  return step({ step: 'scaleDown', replicas: leavingOrdinal, pod, message: `removing ${pod} gracefully (${current} → ${leavingOrdinal})` });
}
