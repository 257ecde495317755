/** Parsing of Galera's grastate.dat (pure). */
import type { GaleraPosition } from '../galera/types.js';

export interface GrastateInfo {
  position: GaleraPosition | null;
  safeToBootstrap: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function field(text: string, name: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

export function parseGrastate(text: string): GrastateInfo {
  const uuid = field(text, 'uuid');
  const seqnoText = field(text, 'seqno');
  const seqno = seqnoText !== undefined && /^-?\d+$/.test(seqnoText) ? Number(seqnoText) : undefined;
  const position = uuid && UUID.test(uuid) && seqno !== undefined ? { uuid, seqno } : null;
  return { position, safeToBootstrap: field(text, 'safe_to_bootstrap') === '1' };
}
