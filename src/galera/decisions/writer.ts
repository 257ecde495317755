/**
 * The proxy's writer: deterministic and sticky. The current writer is kept while it is Ready and
 * Synced; otherwise the lowest-ordinal Ready ∧ Synced member takes over. A former writer that
 * comes back does not take the role back (no fail-back flip: each switch costs connections).
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

export function chooseWriter(members: readonly WriterCandidate[], currentWriter?: string | null): WriterChoice {
  const current = members.find((m) => m.pod === currentWriter);
  if (current !== undefined && eligible(current)) {
    return { writer: current.pod, changed: false, reason: null, message: `${current.pod} stays the writer` };
  }
  const next = byOrdinal(members.filter(eligible))[0];
  if (next === undefined) {
    return { writer: null, changed: currentWriter != null, reason: ConditionReason.WriterUnavailable, message: 'no member is Ready and Synced' };
  }
  const from = currentWriter ? ` (was ${currentWriter})` : '';
  const changed = next.pod !== currentWriter;
  return { writer: next.pod, changed, reason: changed ? ConditionReason.WriterChanged : null, message: `${next.pod} becomes the writer${from}` };
}
