/**
 * The Galera conditions a lifecycle decision implies: GaleraReady (the cluster's state),
 * Recovering (a recovery is open: its current step and the members it is about) and
 * RecoveryStalled (a person is needed: the decision stalled, or a phase outlasted its bound).
 */
import type { ClusterSummary } from './clusterState.js';
import type { Overdue } from './overdue.js';
import type { LifecycleDecision, RecoveryStatus } from './progress.js';

export interface GaleraCondition {
  type: 'GaleraReady' | 'Recovering' | 'RecoveryStalled';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

function about(members: readonly string[]): string {
  return members.length > 0 ? ` (${members.join(', ')})` : '';
}

export function galeraConditions(
  decision: LifecycleDecision,
  summary: ClusterSummary,
  recovery: RecoveryStatus | undefined,
  overdue: Overdue | null,
): GaleraCondition[] {
  const open = recovery !== undefined && recovery.phase !== 'Done';
  const stalled = decision.outcome === 'stall' || decision.outcome === 'awaitPerson';
  const step = `${decision.message}${about(decision.members)}`;
  const stalledCondition: GaleraCondition = stalled
    ? { type: 'RecoveryStalled', status: 'True', reason: decision.reason, message: step }
    : open && overdue !== null
      ? { type: 'RecoveryStalled', status: 'True', reason: 'RecoveryPhaseOverdue', message: `${overdue.message}; now: ${step}` }
      : { type: 'RecoveryStalled', status: 'False', reason: 'NotStalled', message: 'nothing waits for a person' };
  return [
    { type: 'GaleraReady', status: summary.ready ? 'True' : 'False', reason: summary.reason, message: summary.message },
    open
      ? { type: 'Recovering', status: 'True', reason: decision.reason, message: `generation ${recovery.generation} ${recovery.phase}: ${step}` }
      : { type: 'Recovering', status: 'False', reason: 'NoRecovery', message: 'no recovery in progress' },
    stalledCondition,
  ];
}
