import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderHAProxyConfig, type HAProxyConfigInput } from '../../../src/haproxy/config.js';
import { clusterMembers } from '../../../src/proxysql/topology.js';

/** haproxy.cfg → { "global": [...], "listen writer": [...] }, one entry per directive line. */
function sections(cfg: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current = '';
  for (const raw of cfg.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!raw.startsWith(' ')) {
      current = line;
      result.set(current, []);
    } else {
      result.get(current)!.push(line);
    }
  }
  return result;
}

interface ServerLine {
  name: string;
  address: string;
  words: string[];
  backup: boolean;
}

function servers(lines: string[]): ServerLine[] {
  return lines
    .filter((l) => l.startsWith('server '))
    .map((l) => {
      const words = l.split(/\s+/);
      return { name: words[1]!, address: words[2]!, words, backup: words.includes('backup') };
    });
}

const members = clusterMembers('shop', 'prod', 3);
const input = (over: Partial<HAProxyConfigInput> = {}): HAProxyConfigInput => ({
  members,
  writer: 'shop-1',
  bindAddress: '127.6.1.10',
  runtimeDir: '/run/haproxy',
  checkScriptPath: '/etc/haproxy/check.sh',
  ...over,
});

describe('renderHAProxyConfig', () => {
  const cfg = sections(renderHAProxyConfig(input()));
  const writer = cfg.get('listen writer')!;
  const reader = cfg.get('listen reader')!;

  it('has exactly one non-backup server in writer, the current writer, listed first', () => {
    const active = servers(writer).filter((s) => !s.backup);
    assert.equal(active.length, 1);
    assert.equal(active[0]!.name, 'shop-1');
    assert.equal(servers(writer)[0]!.name, 'shop-1');
    assert.equal(servers(writer).length, 3);
  });

  it('ends backup sessions when the active writer comes back (never two writers)', () => {
    const active = servers(writer).find((s) => !s.backup)!;
    assert.ok(active.words.join(' ').includes('on-marked-up shutdown-backup-sessions'));
  });

  it('lists every member in reader, the writer only as backup', () => {
    const all = servers(reader);
    assert.deepEqual(all.map((s) => s.name).sort(), ['shop-0', 'shop-1', 'shop-2']);
    assert.deepEqual(all.filter((s) => s.backup).map((s) => s.name), ['shop-1']);
    assert.ok(reader.includes('balance roundrobin'));
  });

  it('checks every server with the external check and shuts sessions when it goes down', () => {
    for (const s of [...servers(writer), ...servers(reader)]) {
      const line = s.words.join(' ');
      assert.ok(s.words.includes('check'), line);
      assert.ok(line.includes('on-marked-down shutdown-sessions'), line);
      assert.ok(line.includes('fall 2 rise 2'), line);
      assert.ok(line.includes('init-addr last,libc,none'), line);
    }
    for (const listener of [writer, reader]) {
      assert.ok(listener.includes('option external-check'));
      assert.ok(listener.includes('external-check command /etc/haproxy/check.sh'));
    }
    const global = cfg.get('global')!;
    assert.ok(global.includes('external-check'));
    assert.ok(global.includes('insecure-fork-wanted'));
  });

  it('addresses members by their stable DNS names on port 3306', () => {
    assert.deepEqual(
      servers(writer).map((s) => s.address).sort(),
      members.map((m) => `${m.host}:3306`).sort(),
    );
    assert.ok(members[0]!.host === 'shop-0.shop-headless.prod.svc.cluster.local');
  });

  it('binds only on the given address, 3306 for writes and 3307 for reads', () => {
    const binds = [...cfg.values()].flat().filter((l) => l.startsWith('bind '));
    assert.deepEqual(binds, ['bind "127.6.1.10:3306"', 'bind "127.6.1.10:3307"']);
    assert.deepEqual(writer.filter((l) => l.startsWith('bind')), ['bind "127.6.1.10:3306"']);
  });

  it('keeps the admin socket and server state in the runtime directory', () => {
    const global = cfg.get('global')!;
    assert.ok(global.some((l) => l.startsWith('stats socket /run/haproxy/admin.sock ') && l.includes('level admin')));
    assert.ok(global.includes('server-state-file /run/haproxy/servers.state'));
  });

  it('puts the first member first when no writer is known yet', () => {
    const first = servers(sections(renderHAProxyConfig(input({ writer: null }))).get('listen writer')!);
    assert.deepEqual(first.filter((s) => !s.backup).map((s) => s.name), ['shop-0']);
  });

  it('serves reads from the writer in a one-member cluster', () => {
    const one = sections(renderHAProxyConfig(input({ members: members.slice(0, 1), writer: 'shop-0' })));
    assert.deepEqual(servers(one.get('listen reader')!).map((s) => [s.name, s.backup]), [['shop-0', true]]);
    assert.deepEqual(servers(one.get('listen writer')!).map((s) => [s.name, s.backup]), [['shop-0', false]]);
  });

  it('gives each member the same server id whoever is writer (saved state follows servers)', () => {
    const ids = (writer: string) =>
      servers(sections(renderHAProxyConfig(input({ writer }))).get('listen writer')!)
        .map((s) => `${s.name}=${s.words[s.words.indexOf('id') + 1]}`)
        .sort();
    assert.deepEqual(ids('shop-0'), ['shop-0=1', 'shop-1=2', 'shop-2=3']);
    assert.deepEqual(ids('shop-2'), ids('shop-0'));
  });

  it('refuses an empty member list', () => {
    assert.throws(() => renderHAProxyConfig(input({ members: [] })));
  });

  it('is accepted by the real haproxy binary, also when members do not resolve yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-unit-'));
    try {
      for (const [name, text] of [
        ['dns.cfg', renderHAProxyConfig(input({ runtimeDir: dir, bindAddress: '${POD_IP}' }))],
        ['ip.cfg', renderHAProxyConfig(input({ runtimeDir: dir, members: members.map((m, i) => ({ ...m, host: `127.6.1.${i + 1}` })) }))],
      ] as const) {
        const path = join(dir, name);
        writeFileSync(path, text);
        // Throws (non-zero exit) on an invalid configuration.
        execFileSync('haproxy', ['-c', '-q', '-f', path], {
          env: { PATH: process.env.PATH, POD_IP: '127.6.1.10' },
          timeout: 10_000,
          stdio: 'pipe',
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
