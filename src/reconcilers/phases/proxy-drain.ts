/**
 * The contract between rolling changes and the proxy: a member named in status.rollout is
 * drained by the proxy phase; the rollout restarts it only once this says the drain is done.
 */
import type { Scope } from '../scope.js';

/** True when no proxy sends new work to `member` and its client sessions have ended. */
export async function memberDrained(scope: Scope, member: string): Promise<boolean> {
  if (scope.spec.proxy.type === 'none') return true;
  // The proxy phase does not drain yet: a rollout behind a proxy waits here (says so in status).
  void member;
  return false;
}
