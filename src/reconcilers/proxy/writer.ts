/**
 * The proxies' writer, decided once per reconcile from what the galera phase observed and
 * recorded in status.writer (the WRITER column). A member being drained for a restart
 * (drainedForRollout) is not eligible, so the role moves before it stops.
 */
import { chooseWriter, drainedForRollout, type WriterCandidate, type WriterChoice } from '../../galera/decisions/index.js';
import type { ObservedMember } from '../phases/galera-observe.js';
import type { Scope } from '../scope.js';

/** How long a writer whose health cannot be read keeps the role (then it moves). */
const UNKNOWN_WRITER_GRACE_MS = 6000;

/** Not observed unhealthy, just not heard from: an agent or a query that did not answer in time. */
function healthUnknown(m: ObservedMember): boolean {
  return m.observation.kind === 'unreachable' || m.wsrepFailure === 'timeout';
}

/** e.g. "db-0 unknown, db-1 synced, db-2 drained": why the writer moved, for the log. */
function describeHealth(candidates: readonly WriterCandidate[]): string {
  const state = (c: WriterCandidate): string =>
    c.drained ? 'drained' : c.unknown ? 'unknown' : !c.ready ? 'not primary' : c.synced ? 'synced' : 'not synced';
  return candidates.map((c) => `${c.pod} ${state(c)}`).join(', ');
}

export function writerCandidates(members: readonly ObservedMember[], drained: string | undefined): WriterCandidate[] {
  return members.map((m) => ({
    pod: m.observation.pod,
    ordinal: m.observation.ordinal,
    ready: Boolean(m.pod?.status?.podIP) && m.wsrep?.clusterStatus === 'Primary',
    synced: m.wsrep?.localState === 4,
    drained: m.observation.pod === drained,
    unknown: healthUnknown(m),
  }));
}

/**
 * The last writer this process chose per cluster (by uid). The cluster read from the cache can
 * lag behind this process's own status write by a reconcile; the proxies were programmed with
 * the newer choice, so it is the one to stay sticky to.
 */
const lastChosen = new Map<string, string | null>();
/** When the writer this process chose was last seen healthy, per cluster (by uid). */
const lastHealthy = new Map<string, { writer: string; at: number }>();

/** Whether a writer whose health is unknown now was seen healthy recently enough to keep it. */
function withinGrace(uid: string, writer: string | null, now: number): boolean {
  const seen = lastHealthy.get(uid);
  return seen !== undefined && seen.writer === writer && now - seen.at < UNKNOWN_WRITER_GRACE_MS;
}

/** Chooses the writer, records it in status.writer, and tells people when it moved. */
export function decideWriter(scope: Scope, drained = drainedForRollout(scope.status.rollout)): WriterChoice {
  const uid = scope.cluster.metadata.uid ?? `${scope.ref.namespace}/${scope.ref.name}`;
  const previous = lastChosen.has(uid) ? lastChosen.get(uid)! : (scope.status.writer ?? null);
  if (scope.members.length === 0) {
    // Nothing was observed this time (an earlier phase stopped): keep the last choice.
    if (previous) scope.status.writer = previous;
    return { writer: previous, changed: false, reason: null, message: 'members not observed; writer kept' };
  }
  const now = Date.now();
  const candidates = writerCandidates(scope.members, drained);
  const choice = chooseWriter(candidates, previous, { keepUnknownWriter: withinGrace(uid, previous, now) });
  if (lastChosen.size > 10_000) {
    lastChosen.clear();
    lastHealthy.clear();
  }
  lastChosen.set(uid, choice.writer);
  const chosen = candidates.find((c) => c.pod === choice.writer);
  if (chosen?.ready && chosen.synced) lastHealthy.set(uid, { writer: chosen.pod, at: now });
  if (choice.writer) scope.status.writer = choice.writer;
  else delete scope.status.writer;
  if (choice.writer !== previous) {
    scope.log.info({ from: previous, to: choice.writer, reason: choice.reason, health: describeHealth(candidates) }, choice.message);
    if (choice.reason) scope.event(choice.writer ? 'Normal' : 'Warning', choice.reason, choice.message);
  }
  return choice;
}
