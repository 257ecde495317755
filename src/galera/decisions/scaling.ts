/**
 * Scaling. Up: raise the StatefulSet at once; the new members wait for an order and the join
 * decision lets them in one at a time. Down: one member at a time from the highest ordinal, only
 * while every remaining member is Synced and Ready; the leaving member is drained from the proxy
 * first and then removed by lowering the StatefulSet, whose pod deletion stops mariadbd with
 * SIGTERM (a clean leave that shrinks the cluster, not a crash that costs a quorum vote).
 * Never while a recovery runs or a rollout has a member in flight (`hold`).
 *
 * The gcomm:// list covers every member that exists or is about to: during scale-up the new
 * size, during scale-down the old one until the leaving pods are gone. It never shrinks below a
 * running member, and never becomes empty.
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

export type ScalingStep = StepBase & (
  | { step: 'none' }
  | { step: 'scaleUp'; replicas: number }
  | { step: 'drain'; pod: string }
  | { step: 'scaleDown'; replicas: number; pod: string }
  | { step: 'wait'; members: string[] }
);

/** Members to list in gcomm://: everyone who exists or is wanted. */
export function clusterAddressSize(input: ScalingInput): number {
  const highest = Math.max(0, ...input.members.map((m) => m.ordinal + 1));
  return Math.max(1, input.desiredReplicas, input.statefulSetReplicas, highest);
}

export function nextScalingStep(input: ScalingInput): ScalingStep {
  const size = clusterAddressSize(input);
  const current = input.statefulSetReplicas;
  const members = byOrdinal(input.members);
  const leftovers = members.filter((m) => m.ordinal >= current);
  if (leftovers.length > 0) {
    return { step: 'wait', reason: ConditionReason.Scaling, clusterAddressSize: size, members: podNames(leftovers),
      message: `waiting for ${podNames(leftovers).join(', ')} to leave the cluster` };
  }
  if (input.desiredReplicas > current) {
    return { step: 'scaleUp', replicas: input.desiredReplicas, reason: ConditionReason.Scaling, clusterAddressSize: size,
      message: `adding members ${current}..${input.desiredReplicas - 1}; they join one at a time` };
  }
  if (input.desiredReplicas === current || current <= 1) {
    return { step: 'none', reason: ConditionReason.Scaling, clusterAddressSize: size, message: `${current} members wanted and present` };
  }
  if (input.hold) {
    return { step: 'wait', reason: ConditionReason.Scaling, clusterAddressSize: size, members: [],
      message: `${current - input.desiredReplicas} member(s) to remove; waiting: ${input.hold}` };
  }
  const leavingOrdinal = current - 1;
  const leaving = members.find((m) => m.ordinal === leavingOrdinal);
  // Those that stay must serve; a member above the wanted size may be removed whatever its state.
  const notServing = members.filter((m) => m.ordinal < input.desiredReplicas && !m.serving);
  if (notServing.length > 0) {
    return { step: 'wait', reason: ConditionReason.Scaling, clusterAddressSize: size, members: podNames(notServing),
      message: `waiting for ${podNames(notServing).join(', ')} to be Synced and Ready before removing a member` };
  }
  if (leaving !== undefined && leaving.serving && !leaving.drained) {
    return { step: 'drain', pod: leaving.pod, reason: ConditionReason.Scaling, clusterAddressSize: size,
      message: `draining ${leaving.pod} from the proxy before it leaves` };
  }
  const pod = leaving?.pod ?? `ordinal ${leavingOrdinal}`;
  return { step: 'scaleDown', replicas: leavingOrdinal, pod, reason: ConditionReason.Scaling, clusterAddressSize: size,
    message: `removing ${pod} gracefully (${current} → ${leavingOrdinal})` };
}
