/**
 * Parsers for the HAProxy admin socket's `show servers state` and `show stat` answers.
 * Pure, so the operator's decisions over them can be unit-tested.
 */

export interface HAProxyServerState {
  backend: string;
  server: string;
  address: string;
  /** Health as HAProxy sees it: running and not in any maintenance. */
  up: boolean;
  /** Set to drain by an operator (`set server … state drain`) or inherited. */
  draining: boolean;
  /** Forced, inherited, resolution- or config-driven maintenance. */
  maintenance: boolean;
}

const SRV_RUNNING = 2;
const ADMIN_DRAIN = 0x08 | 0x10; // FDRAIN | IDRAIN
const ADMIN_MAINT = 0x01 | 0x02 | 0x04 | 0x20 | 0x40; // FMAINT | IMAINT | CMAINT | RMAINT | HMAINT

/** Parses `show servers state` (format version 1, a `# be_id be_name …` header line). */
export function parseServersState(text: string): HAProxyServerState[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const header = lines.find((l) => l.startsWith('#'));
  if (!header) return [];
  const columns = header.slice(1).trim().split(/\s+/);
  const at = (fields: string[], name: string): string => fields[columns.indexOf(name)] ?? '';
  return lines
    .filter((l) => !l.startsWith('#') && /\s/.test(l))
    .map((l) => {
      const fields = l.split(/\s+/);
      const admin = Number(at(fields, 'srv_admin_state'));
      const maintenance = (admin & ADMIN_MAINT) !== 0;
      return {
        backend: at(fields, 'be_name'),
        server: at(fields, 'srv_name'),
        address: at(fields, 'srv_addr'),
        up: Number(at(fields, 'srv_op_state')) === SRV_RUNNING && !maintenance,
        draining: (admin & ADMIN_DRAIN) !== 0,
        maintenance,
      };
    });
}

export interface HAProxyServerStats {
  backend: string;
  server: string;
  /** Current sessions. */
  sessions: number;
  /** Total sessions since start (what a "no new connections" check compares). */
  totalSessions: number;
  status: string;
}

/** Parses `show stat` CSV into per-server rows (frontends and backend totals left out). */
export function parseShowStat(csv: string): HAProxyServerStats[] {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const header = lines[0]?.replace(/^#\s*/, '').split(',') ?? [];
  const col = (fields: string[], name: string): string => fields[header.indexOf(name)] ?? '';
  return lines
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => !['FRONTEND', 'BACKEND'].includes(col(f, 'svname')))
    .map((f) => ({
      backend: col(f, 'pxname'),
      server: col(f, 'svname'),
      sessions: Number(col(f, 'scur')) || 0,
      totalSessions: Number(col(f, 'stot')) || 0,
      status: col(f, 'status'),
    }));
}
