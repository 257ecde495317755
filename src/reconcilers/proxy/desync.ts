/**
 * The member-side half of a ProxySQL drain: `wsrep_desync=ON` keeps a drained member out of
 * every ProxySQL (facts.md). A restart clears it; a drain that ends without one (the roll
 * releases it when another member stops serving) must turn it back off,
 * or the member would stay out of the proxies and never count as Synced again. This process
 * remembers whom it desynced, with the pod, so it never touches a desync it did not make.
 */
import { setDesync } from '../../mysql/index.js';
import { observedMember, rootEndpoint } from '../phases/galera-observe.js';
import type { Scope } from '../scope.js';

/** Per cluster (uid): member → uid of the pod that was desynced. */
const desyncedPods = new Map<string, Map<string, string>>();

const clusterKey = (scope: Scope): string => scope.cluster.metadata?.uid ?? `${scope.ref.namespace}/${scope.ref.name}`;

/** Takes `member` out of every ProxySQL by desyncing it (idempotent; a restart clears it). */
export async function desyncMember(scope: Scope, member: string): Promise<string | null> {
  const observed = observedMember(scope, member);
  const host = observed?.pod?.status?.podIP;
  if (!host || !observed?.wsrep) return null; // not running: nothing routes to it
  const result = await setDesync(rootEndpoint(scope, host), true, { connectMs: 2000, queryMs: 3000 });
  if (!result.ok) return `${member}: ${result.error.message}`;
  const key = clusterKey(scope);
  if (!desyncedPods.has(key)) desyncedPods.set(key, new Map());
  desyncedPods.get(key)!.set(member, observed.pod?.metadata?.uid ?? '');
  return null;
}

export interface DesyncedMemberNow {
  member: string;
  /** The uid of the member's pod now (undefined: no pod). */
  podUid: string | undefined;
  /** Still drained (by a roll or a scale-down): keep it desynced. */
  drained: boolean;
}

/**
 * Pure: of the members this process desynced, which to turn back on now (same pod, no longer
 * drained) and which to forget (re-created: the restart cleared the desync).
 */
export function resyncPlan(now: readonly DesyncedMemberNow[], remembered: ReadonlyMap<string, string>): { resync: string[]; forget: string[] } {
  const resync: string[] = [];
  const forget: string[] = [];
  for (const [member, podUid] of remembered) {
    const current = now.find((m) => m.member === member);
    if (!current || current.podUid !== podUid) forget.push(member);
    else if (!current.drained) resync.push(member);
  }
  return { resync, forget };
}

/** Turns the desync back off on members whose drain ended without a restart. */
export async function resyncReleased(scope: Scope, keepDrained: ReadonlySet<string>): Promise<void> {
  const remembered = desyncedPods.get(clusterKey(scope));
  if (!remembered || remembered.size === 0) return;
  const pods = new Map([...remembered.keys()].map((member) => [member, observedMember(scope, member)?.pod]));
  const now = [...pods].map(([member, pod]) => ({ member, podUid: pod?.metadata?.uid, drained: keepDrained.has(member) }));
  const plan = resyncPlan(now, remembered);
  for (const member of plan.forget) remembered.delete(member);
  for (const member of plan.resync) {
    const host = pods.get(member)?.status?.podIP;
    if (!host) continue;
    const result = await setDesync(rootEndpoint(scope, host), false, { connectMs: 2000, queryMs: 3000 });
    if (result.ok) {
      remembered.delete(member);
      scope.log.info({ member }, `${member}'s drain ended without a restart: desync turned off`);
    } else {
      scope.log.warn({ member }, `could not turn ${member}'s desync off: ${result.error.message}`);
    }
  }
}
