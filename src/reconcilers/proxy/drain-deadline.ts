/**
 * How long a drain may wait for sessions to end before the member counts as drained anyway.
 * The clock starts at status.rollout.since (the rollout's Draining step), or at the first
 * time this process saw the drain when the rollout did not record one.
 */
import type { Scope } from '../scope.js';

export const DRAIN_TIMEOUT_MS = 10_000;

const firstSeen = new Map<string, number>();

export function drainStartedAt(scope: Scope, member: string, now = Date.now()): number {
  const since = Date.parse(scope.status.rollout?.since ?? '');
  if (Number.isFinite(since) && scope.status.rollout?.member === member) return since;
  const key = `${scope.ref.namespace}/${scope.ref.name}/${member}`;
  if (!firstSeen.has(key)) {
    if (firstSeen.size > 1000) firstSeen.clear();
    firstSeen.set(key, now);
  }
  return firstSeen.get(key)!;
}

export function drainTimedOut(scope: Scope, member: string, now = Date.now()): boolean {
  return now - drainStartedAt(scope, member, now) >= DRAIN_TIMEOUT_MS;
}
