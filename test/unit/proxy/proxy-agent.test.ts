/**
 * The proxy pod's agent against a real HAProxy (its admin socket in a temp runtime dir):
 * bearer auth, state, drain and ready of a member on both listeners, config writes by rename.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { configHash } from '../../../src/proxy-agent/api.js';
import { getProxyState, pushProxyConfig, setDrained } from '../../../src/proxy-agent/client.js';
import { createProxyAgentServer } from '../../../src/proxy-agent/http.js';
import { appliedConfigPath } from '../../../src/proxy-agent/haproxy-state.js';
import { adminSocketPath } from '../../../src/haproxy/config.js';

/** An address of its own: ports are fixed (HAProxy refuses port 0). */
const HOST = '127.77.5.1';
const TOKEN = 'proxy-agent-test-token-0123456789';
const haproxyMissing = existsSync('/usr/sbin/haproxy') ? undefined : 'no /usr/sbin/haproxy';

let dir = '';
let haproxy: ChildProcess | undefined;
let server: ReturnType<typeof createProxyAgentServer> | undefined;
let port = 0;

function haproxyConfig(runtimeDir: string): string {
  const servers = ['m-0', 'm-1'].map((name, i) => `    server ${name} 127.77.5.${20 + i}:3306 id ${i + 1}`);
  return [
    'global',
    `    stats socket ${adminSocketPath(runtimeDir)} mode 600 level admin`,
    'defaults',
    '    mode tcp',
    '    timeout connect 1s',
    '    timeout client 5s',
    '    timeout server 5s',
    'listen writer',
    `    bind ${HOST}:33306`,
    ...servers,
    'listen reader',
    `    bind ${HOST}:33307`,
    ...servers,
    '',
  ].join('\n');
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 50 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(path), 'HAProxy created its admin socket');
}

before(async () => {
  if (haproxyMissing) return;
  dir = mkdtempSync(join(tmpdir(), 'proxy-agent-'));
  const cfg = haproxyConfig(dir);
  writeFileSync(appliedConfigPath(dir), cfg);
  haproxy = spawn('/usr/sbin/haproxy', ['-db', '-f', appliedConfigPath(dir)], { stdio: 'ignore' });
  await waitForSocket(adminSocketPath(dir));
  server = createProxyAgentServer(
    { listenHost: HOST, port: 0, token: TOKEN, runtimeDir: dir, configPath: join(dir, 'haproxy.cfg'), handlerTimeoutMs: 5000 },
    pino({ level: 'silent' }),
  );
  await new Promise<void>((resolve) => server!.listen(0, HOST, resolve));
  port = (server!.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  haproxy?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('proxy agent', { skip: haproxyMissing }, () => {
  const endpoint = () => ({ host: HOST, port, token: TOKEN });

  it('refuses a wrong token', async () => {
    const answer = await getProxyState({ ...endpoint(), token: 'wrong-token-wrong-token' });
    assert.deepEqual(answer, { ok: false, message: '/v1/state: HTTP 401: unauthorized' });
  });

  it('reports the servers of both listeners and the applied config', async () => {
    const answer = await getProxyState(endpoint());
    assert.ok(answer.ok);
    assert.equal(answer.state.adminReachable, true);
    assert.equal(answer.state.appliedHash, configHash(readFileSync(appliedConfigPath(dir), 'utf8')));
    assert.equal(answer.state.desiredHash, null);
    assert.deepEqual(answer.state.servers.map((s) => `${s.backend}/${s.server}:${s.draining}`).sort(), [
      'reader/m-0:false', 'reader/m-1:false', 'writer/m-0:false', 'writer/m-1:false',
    ]);
  });

  it('drains exactly the named members and puts them back', async () => {
    const drained = await setDrained(endpoint(), ['m-1']);
    assert.ok(drained.ok);
    assert.deepEqual(drained.state.servers.filter((s) => s.draining).map((s) => `${s.backend}/${s.server}`).sort(), ['reader/m-1', 'writer/m-1']);
    const back = await setDrained(endpoint(), []);
    assert.ok(back.ok);
    assert.equal(back.state.servers.filter((s) => s.draining).length, 0);
  });

  it('writes the watched config file and reports its hash', async () => {
    const text = 'global\n    maxconn 10\n';
    const answer = await pushProxyConfig(endpoint(), text);
    assert.ok(answer.ok);
    assert.equal(readFileSync(join(dir, 'haproxy.cfg'), 'utf8'), text);
    assert.equal(answer.state.desiredHash, configHash(text));
  });

  it('rejects a body that is not the contract', async () => {
    const res = await fetch(`http://${HOST}:${port}/v1/drained`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ members: 'm-0' }),
    });
    assert.equal(res.status, 400);
  });
});
