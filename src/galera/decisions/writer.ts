/**
 * The proxy's writer: deterministic and sticky. The current writer is kept while it is Ready and
 * Synced; otherwise the lowest-ordinal Ready ∧ Synced member takes over. A former writer that
 * comes back does not take the role back (no fail-back flip: each switch costs connections).
 * A writer whose health could not be read this time (a timed-out query, an agent that did not
 * answer) is kept while the caller's grace lasts: one slow answer on a loaded machine is not a
 * failure, and the proxies' own health checks still route around a member that really is down.
 */
import { ConditionReason } from './reasons.js';
import { byOrdinal } from './observations.js';

export interface WriterCandidate {
  pod: string;
  ordinal: number;
  ready: boolean;
  synced: boolean;
  /** Being drained for a restart or a removal: not eligible as writer. */
  drained?: boolean;
  /** Its health could not be read this time (not observed unhealthy: unknown). */
  unknown?: boolean;
}

export interface WriterOptions {
  /** Keep a current writer whose health is unknown (the caller bounds this in time). */
  keepUnknownWriter?: boolean;
}

export interface WriterChoice {
  /** null when no member can write. */
  writer: string | null;
  changed: boolean;
  /** Why the writer changed or is missing; null when the writer stays. */
  reason: ConditionReason | null;
  message: string;
}

const eligible = (m: WriterCandidate): boolean => m.ready && m.synced && m.drained !== true;

export function chooseWriter(members: readonly WriterCandidate[], currentWriter?: string | null, options: WriterOptions = {}): WriterChoice {
  const current = members.find((m) => m.pod === currentWriter);
  if (current !== undefined && eligible(current)) {
    return { writer: current.pod, changed: false, reason: null, message: `${current.pod} stays the writer` };
  }
  if (current !== undefined && current.unknown === true && current.drained !== true && options.keepUnknownWriter === true) {
    return { writer: current.pod, changed: false, reason: null, message: `${current.pod} stays the writer (its health is unknown for now)` };
  }
  const next = byOrdinal(members.filter(eligible))[0];
  if (next === undefined) {
    return { writer: null, changed: currentWriter != null, reason: ConditionReason.WriterUnavailable, message: 'no member is Ready and Synced' };
  }
  const from = currentWriter ? ` (was ${currentWriter})` : '';
  const changed = next.pod !== currentWriter;
  return { writer: next.pod, changed, reason: changed ? ConditionReason.WriterChanged : null, message: `${next.pod} becomes the writer${from}` };
}
