/**
 * The contract between rolling changes and the proxy: a member named in status.rollout is
 * drained by the proxy phase; the rollout restarts it only once this says the drain is done,
 * and moves on to the next member only once memberReturned says every proxy has it back.
 */
import { drainStartedAt, drainTimedOut } from '../proxy/drain-deadline.js';
import { haproxyRoutesTo } from '../proxy/haproxy-sync.js';
import { proxyPods } from '../proxy/pods.js';
import { programProxies } from '../proxy/programming.js';
import { proxysqlRoutesTo } from '../proxy/proxysql-sync.js';
import type { Scope } from '../scope.js';

/**
 * True when no proxy sends new work to `member` and its client sessions have ended — or when
 * the bounded wait for that is over (then the restart goes ahead; a log line says so). Drains
 * (idempotently) as it checks, so it does not depend on the order of the phases; the writer
 * moves off `member` first.
 */
export async function memberDrained(scope: Scope, member: string): Promise<boolean> {
  if (scope.spec.proxy.type === 'none') return true;
  drainStartedAt(scope, member);
  const outcomes = await programProxies(scope, member);
  if (outcomes.every((o) => o.memberDrained)) return true;
  if (drainTimedOut(scope, member)) {
    const waiting = outcomes.filter((o) => !o.memberDrained).map((o) => o.failure?.message ?? o.pod);
    scope.log.warn({ member, waiting }, 'drain wait is over; the member counts as drained');
    return true;
  }
  return false;
}

/**
 * True when every proxy pod routes new sessions to `member` again (always without a proxy).
 * Read-only: the proxy phase does the programming.
 */
export async function memberReturned(scope: Scope, member: string): Promise<boolean> {
  if (scope.spec.proxy.type === 'none') return true;
  const routesTo = scope.spec.proxy.type === 'haproxy' ? haproxyRoutesTo : proxysqlRoutesTo;
  const answers = await Promise.all(proxyPods(scope).map((pod) => routesTo(scope, pod, member)));
  return answers.every(Boolean);
}
