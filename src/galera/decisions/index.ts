/** Pure Galera lifecycle decisions: no I/O, no clock (a `now` is passed in). */
export * from './reasons.js';
export * from './observations.js';
export * from './progress.js';
export { electBootstrapSource, type Election, type ElectionInput } from './election.js';
export { nextJoin, type JoinDecision, type JoinInput } from './joins.js';
export { decideQuorumRecovery, type QuorumDecision, type QuorumInput } from './quorumLoss.js';
export { summarizeCluster, type ClusterState, type ClusterSummary } from './clusterState.js';
export { decideLifecycle, type LifecycleInput } from './lifecycle.js';
export {
  drainedForRollout, nextRollingStep, rollOrder, wholeSeconds, PROXY_RETURN_BOUND_MS,
  type MemberFailure, type RolloutPhase, type RolloutRecord, type RollingInput, type RollingMember, type RollingStep,
} from './rolling.js';
export { clusterAddressSize, nextScalingStep, type ScalingInput, type ScalingMember, type ScalingStep } from './scaling.js';
export { chooseWriter, type WriterCandidate, type WriterChoice, type WriterOptions } from './writer.js';
