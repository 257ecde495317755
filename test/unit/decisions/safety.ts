/** Independent statements of what a safe bootstrap source is, used by the exhaustive tests. */
import {
  ZERO_UUID,
  type MemberObservation,
  type ReportedMember,
} from '../../../src/galera/decisions/observations.js';

function usableOf(m: MemberObservation): ReportedMember | null {
  if (m.kind !== 'reported') return null;
  const r = m.report;
  if (r.datadirEmpty || r.sstInterrupted || r.position === null) return null;
  if (r.position.seqno < 0 || r.position.uuid === ZERO_UUID) return null;
  return m;
}

/** Why `source` would be an unsafe bootstrap source, or null when it is safe. */
export function unsafeSourceReason(members: readonly MemberObservation[], source: string, recordedUuid: string | undefined): string | null {
  if (members.some((m) => m.kind === 'unreachable')) return 'a member is unreachable';
  const m = members.find((x) => x.pod === source);
  if (m === undefined) return 'not an expected member';
  if (m.kind !== 'reported') return 'has not reported';
  const r = m.report;
  if (r.phase !== 'Waiting') return `phase ${r.phase}`;
  if (r.datadirEmpty) return 'empty datadir';
  if (r.sstInterrupted) return 'interrupted SST';
  if (r.position === null || r.position.seqno < 0) return 'unknown seqno';
  if (r.position.uuid === ZERO_UUID) return 'zero UUID';
  if (recordedUuid !== undefined && r.position.uuid !== recordedUuid) return 'not the recorded UUID';
  const uuid = r.position.uuid;
  const seqno = r.position.seqno;
  const ahead = members.map(usableOf).filter((x) => x !== null && x.report.position!.uuid === uuid && x.report.position!.seqno > seqno);
  if (ahead.length > 0) return `lower seqno than ${ahead.map((x) => x!.pod).join(',')}`;
  return null;
}

/** Extra promises of an automatic (not person-made) choice. */
export function unsafeAutomaticReason(members: readonly MemberObservation[], source: string): string | null {
  if (members.some((m) => m.kind === 'podMissing' && m.pvcExists)) return 'a member with a PVC has no pod';
  // A joiner left without a Primary (Starting, told to join, SQL port closed) has settled: it
  // can only join the Primary that forms, and its position is known.
  const joinerWithoutPrimary = (m: MemberObservation) => m.kind === 'reported' && m.report.phase === 'Starting' &&
    m.report.lastInstruction?.action === 'join' && m.notListening === true;
  if (members.some((m) => m.kind === 'reported' && m.report.phase !== 'Waiting' && m.report.phase !== 'Failed' && !joinerWithoutPrimary(m))) {
    return 'a member has not settled';
  }
  const usable = members.map(usableOf).filter((m): m is ReportedMember => m !== null);
  if (new Set(usable.map((m) => m.report.position!.uuid)).size > 1) return 'members on several UUIDs';
  const chosen = usable.find((m) => m.pod === source);
  if (chosen === undefined) return 'not usable';
  if (usable.some((m) => m.report.position!.seqno > chosen.report.position!.seqno)) return 'not the highest seqno';
  const marked = usable.filter((m) => m.report.safeToBootstrap);
  if (marked.length > 1) return 'several safe_to_bootstrap';
  if (marked.length === 1 && marked[0]!.pod !== source) return 'another member is safe_to_bootstrap';
  const unknown = members.some((m) => m.kind === 'reported' && !m.report.datadirEmpty && !m.report.sstInterrupted && usableOf(m) === null);
  if (unknown) return 'a member with data has an unknown position';
  return null;
}

/**
 * When the answer is clear, the automatic election must give it: every member heard and Waiting
 * (or gone for good), the usable ones on one UUID (the recorded one if any), no
 * safe_to_bootstrap claims, no unknown positions. Returns the expected source, or null when the
 * case is not that clear.
 */
export function clearAutomaticAnswer(members: readonly MemberObservation[], recordedUuid: string | undefined): string | null {
  const present = members.filter((m) => !(m.kind === 'podMissing' && !m.pvcExists));
  if (present.some((m) => m.kind !== 'reported' || m.report.phase !== 'Waiting')) return null;
  const reportedMembers = present as ReportedMember[];
  if (reportedMembers.some((m) => !m.report.datadirEmpty && !m.report.sstInterrupted && usableOf(m) === null)) return null;
  const usable = reportedMembers.filter((m) => usableOf(m) !== null);
  if (usable.length === 0 || usable.some((m) => m.report.safeToBootstrap)) return null;
  const uuids = new Set(usable.map((m) => m.report.position!.uuid));
  if (uuids.size !== 1) return null;
  if (recordedUuid !== undefined && !uuids.has(recordedUuid)) return null;
  const top = Math.max(...usable.map((m) => m.report.position!.seqno));
  const best = usable.filter((m) => m.report.position!.seqno === top).sort((a, b) => a.ordinal - b.ordinal)[0];
  return best!.pod;
}
