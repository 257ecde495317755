/**
 * The member-side half of a ProxySQL drain: `wsrep_desync=ON` keeps a drained member out of
 * every ProxySQL (facts.md). A restart clears it; a drain that ends without one (the roll
 * releases it when another member stops serving) must turn it back off, or the member would
 * stay out of the proxies and never count as Synced again. The record of a desync made for a
 * drain is an annotation on the member's pod, written before the desync: it survives an
 * operator restart, and it goes with the pod, whose re-creation clears the desync too. The
 * operator never turns off a desync it did not record (e.g. one a person set).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { API_GROUP } from '../../crd/names.js';
import { setDesync } from '../../mysql/index.js';
import { observedMember, rootEndpoint } from '../phases/galera-observe.js';
import type { Scope } from '../scope.js';

export const DRAIN_DESYNC_ANNOTATION = `${API_GROUP}/drain-desync`;

const TIMEOUTS = { connectMs: 2000, queryMs: 3000 };

/** Sets or removes the record on the pod; the uid makes it a no-op on a re-created pod. */
async function recordOnPod(scope: Scope, pod: V1Pod, desynced: boolean): Promise<void> {
  const path = `/api/v1/namespaces/${pod.metadata!.namespace}/pods/${pod.metadata!.name}`;
  await scope.manager.rest.request('PATCH', path, {
    body: { metadata: { uid: pod.metadata!.uid, annotations: { [DRAIN_DESYNC_ANNOTATION]: desynced ? 'true' : null } } },
    contentType: 'application/merge-patch+json',
  });
}

const recorded = (pod: V1Pod | undefined): boolean => pod?.metadata?.annotations?.[DRAIN_DESYNC_ANNOTATION] === 'true';

/** Takes `member` out of every ProxySQL by desyncing it (idempotent; a restart clears it). */
export async function desyncMember(scope: Scope, member: string): Promise<string | null> {
  const observed = observedMember(scope, member);
  const pod = observed?.pod;
  const host = pod?.status?.podIP;
  if (!pod || !host || !observed?.wsrep) return null; // not running: nothing routes to it
  if (!recorded(pod)) await recordOnPod(scope, pod, true);
  const result = await setDesync(rootEndpoint(scope, host), true, TIMEOUTS);
  return result.ok ? null : `${member}: ${result.error.message}`;
}

export interface RecordedDesync {
  member: string;
  /** The member's pod carries the record of a drain's desync. */
  recorded: boolean;
  /** Still drained (by a roll or a scale-down): keep it desynced. */
  drained: boolean;
}

/** Pure: the members whose recorded desync is turned back off now (their drain has ended). */
export function resyncPlan(members: readonly RecordedDesync[]): string[] {
  return members.filter((m) => m.recorded && !m.drained).map((m) => m.member);
}

/** Turns the desync back off on members whose drain ended without a restart, then drops the record. */
export async function resyncReleased(scope: Scope, keepDrained: ReadonlySet<string>): Promise<void> {
  const members = scope.members.map((m) => ({ member: m.observation.pod, recorded: recorded(m.pod), drained: keepDrained.has(m.observation.pod) }));
  for (const member of resyncPlan(members)) {
    const observed = observedMember(scope, member)!;
    const host = observed.pod?.status?.podIP;
    // Not running now: its restart clears the desync; the record goes once it runs again.
    if (!host || !observed.wsrep) continue;
    const result = await setDesync(rootEndpoint(scope, host), false, TIMEOUTS);
    if (!result.ok) {
      scope.log.warn({ member }, `could not turn ${member}'s desync off: ${result.error.message}`);
      continue;
    }
    await recordOnPod(scope, observed.pod!, false);
    scope.log.info({ member }, `${member}'s drain ended without a restart: desync turned off`);
  }
}
