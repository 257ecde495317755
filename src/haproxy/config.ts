/**
 * haproxy.cfg for one cluster: `writer` on :3306 with exactly one active server (the current
 * writer) and every other member as `backup`, and `reader` on :3307 round-robin over the
 * non-writers with the writer as backup, so reads still work when it is the only healthy member.
 *
 * HAProxy sends traffic to the first usable server in order and fails back to the active one
 * when it returns (facts.md), so stickiness comes from the operator re-rendering with the
 * current writer first. Health is an external check (check-script.ts) that passes only on
 * Primary ∧ Synced; `option mysql-check` kept desynced and non-Primary members up.
 *
 * Servers are addressed by stable DNS names without a resolvers section: `init-addr
 * last,libc,none` lets HAProxy start while a member does not resolve yet (the server stays
 * down until a reload resolves it) and keeps the last known address across reloads.
 */
import { PROXY_READ_ONLY_PORT, PROXY_READ_WRITE_PORT, MEMBER_MYSQL_PORT, writerFirst, type ProxyMember } from '../proxysql/topology.js';

export interface HAProxyCheckTiming {
  /** Interval between checks of a healthy server. */
  interMs: number;
  /** Interval while a server is changing state (so failures are confirmed fast). */
  fastInterMs: number;
  downInterMs: number;
  fall: number;
  rise: number;
  /** Upper bound on one check run (the script itself is bounded by `timeout` too). */
  checkTimeoutMs: number;
}

export const DEFAULT_CHECK_TIMING: Readonly<HAProxyCheckTiming> = {
  interMs: 1000,
  fastInterMs: 500,
  downInterMs: 1000,
  fall: 2,
  rise: 2,
  checkTimeoutMs: 2000,
};

export interface HAProxyConfigInput {
  members: readonly ProxyMember[];
  /** Current writer (pod name); null: the first member. */
  writer: string | null;
  /** Listener address: the pod IP, or `${POD_IP}` for HAProxy to expand from its environment. */
  bindAddress: string;
  /** Pod-local directory for the admin socket and the saved server state. */
  runtimeDir: string;
  /** Path of the external check script (check-script.ts). */
  checkScriptPath: string;
  timing?: Partial<HAProxyCheckTiming>;
  maxConnections?: number;
  /** How long a worker replaced by a reload may keep serving its connections. */
  hardStopAfter?: string;
}

export const WRITER_BACKEND = 'writer';
export const READER_BACKEND = 'reader';

export const adminSocketPath = (runtimeDir: string): string => `${runtimeDir}/admin.sock`;
export const serverStatePath = (runtimeDir: string): string => `${runtimeDir}/servers.state`;

export function renderHAProxyConfig(input: HAProxyConfigInput): string {
  const timing = { ...DEFAULT_CHECK_TIMING, ...input.timing };
  const ordered = writerFirst(input.members, input.writer);
  const [writer, ...others] = ordered;
  if (!writer) throw new Error('a proxy needs at least one member');
  // Stable ids (position in the member list, not in the writer-first order) let a reload's
  // saved server state find each server again after the writer moved.
  const id = (m: ProxyMember): number => input.members.indexOf(m) + 1;
  const server = (m: ProxyMember, extra: string[]): string =>
    [
      `    server ${m.name} ${m.host}:${m.port ?? MEMBER_MYSQL_PORT} id ${id(m)} check`,
      `inter ${timing.interMs}ms fastinter ${timing.fastInterMs}ms downinter ${timing.downInterMs}ms`,
      `fall ${timing.fall} rise ${timing.rise}`,
      'init-addr last,libc,none on-marked-down shutdown-sessions',
      ...extra,
    ].join(' ');
  const checkLines = [
    '    option external-check',
    '    external-check path "/usr/bin:/bin:/usr/sbin:/sbin"',
    `    external-check command ${input.checkScriptPath}`,
  ];
  return [
    'global',
    `    maxconn ${input.maxConnections ?? 4096}`,
    // Both are needed to fork the external check from a worker (facts.md).
    '    external-check',
    '    insecure-fork-wanted',
    `    stats socket ${adminSocketPath(input.runtimeDir)} mode 600 level admin expose-fd listeners`,
    `    server-state-file ${serverStatePath(input.runtimeDir)}`,
    // Old workers keep their connections after a reload, but not forever: their checks stop.
    `    hard-stop-after ${input.hardStopAfter ?? '15m'}`,
    '',
    'defaults',
    '    mode tcp',
    '    load-server-state-from-file global',
    '    timeout connect 2s',
    // Database sessions idle for long; MariaDB's own wait_timeout (8 h) ends them first.
    '    timeout client 8h',
    '    timeout server 8h',
    `    timeout check ${timing.checkTimeoutMs}ms`,
    '',
    `listen ${WRITER_BACKEND}`,
    `    bind "${input.bindAddress}:${PROXY_READ_WRITE_PORT}"`,
    ...checkLines,
    // When the active server comes back, the backups' sessions end: never two writers.
    server(writer, ['on-marked-up shutdown-backup-sessions']),
    ...others.map((m) => server(m, ['backup'])),
    '',
    `listen ${READER_BACKEND}`,
    `    bind "${input.bindAddress}:${PROXY_READ_ONLY_PORT}"`,
    '    balance roundrobin',
    ...checkLines,
    ...others.map((m) => server(m, [])),
    // Reads fall back to the writer only while no other member is healthy.
    server(writer, ['backup']),
    '',
  ].join('\n');
}
