/**
 * The proxies' writer, decided once per reconcile from what the galera phase observed and
 * recorded in status.writer (the WRITER column). A member being drained for a restart
 * (status.rollout.member) is not eligible, so the role moves before it stops.
 */
import { chooseWriter, type WriterCandidate, type WriterChoice } from '../../galera/decisions/index.js';
import type { ObservedMember } from '../phases/galera-observe.js';
import type { Scope } from '../scope.js';

export function writerCandidates(members: readonly ObservedMember[], drained: string | undefined): WriterCandidate[] {
  return members.map((m) => ({
    pod: m.observation.pod,
    ordinal: m.observation.ordinal,
    ready: Boolean(m.pod?.status?.podIP) && m.wsrep?.clusterStatus === 'Primary',
    synced: m.wsrep?.localState === 4,
    drained: m.observation.pod === drained,
  }));
}

/**
 * The last writer this process chose per cluster (by uid). The cluster read from the cache can
 * lag behind this process's own status write by a reconcile; the proxies were programmed with
 * the newer choice, so it is the one to stay sticky to.
 */
const lastChosen = new Map<string, string | null>();

/** Chooses the writer, records it in status.writer, and tells people when it moved. */
export function decideWriter(scope: Scope, drained = scope.status.rollout?.member): WriterChoice {
  const uid = scope.cluster.metadata.uid ?? `${scope.ref.namespace}/${scope.ref.name}`;
  const previous = lastChosen.has(uid) ? lastChosen.get(uid)! : (scope.status.writer ?? null);
  if (scope.members.length === 0) {
    // Nothing was observed this time (an earlier phase stopped): keep the last choice.
    if (previous) scope.status.writer = previous;
    return { writer: previous, changed: false, reason: null, message: 'members not observed; writer kept' };
  }
  const choice = chooseWriter(writerCandidates(scope.members, drained), previous);
  if (lastChosen.size > 10_000) lastChosen.clear();
  lastChosen.set(uid, choice.writer);
  if (choice.writer) scope.status.writer = choice.writer;
  else delete scope.status.writer;
  if (choice.writer !== previous) {
    scope.log.info({ from: previous, to: choice.writer, reason: choice.reason }, choice.message);
    if (choice.reason) scope.event(choice.writer ? 'Normal' : 'Warning', choice.reason, choice.message);
  }
  return choice;
}
