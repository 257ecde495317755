/** The real sidecar HTTP server over real files, driven by the operator's real client. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { getReport, sendInstruction } from '../../../src/galera/agent-client.js';
import { createAgentServer } from '../../../src/sidecar/http.js';
import type { SidecarSettings } from '../../../src/sidecar/settings.js';
import { loadSettings } from '../../../src/sidecar/settings.js';

const HOST = '127.4.1.1';
const PORT = 3309;
const TOKEN = 'test-token-0123456789abcdef';
const UUID = '00bcc085-ea82-11f1-8fb4-c61ea69bc74c';

function writeState(runDir: string, phase: string, lastInstruction: unknown = null): void {
  const state = {
    version: 1, pod: 'db-0', bootId: 'boot-1', phase,
    position: { uuid: UUID, seqno: 12 }, positionSource: 'wsrep-recover',
    safeToBootstrap: false, datadirEmpty: false, sstInterrupted: false,
    lastInstruction, message: 'test', updatedAt: '2026-11-27T00:00:00Z',
  };
  writeFileSync(path.join(runDir, 'state.json'), JSON.stringify(state));
}

describe('sidecar API', () => {
  let dir: string;
  let settings: SidecarSettings;
  let server: http.Server;
  const endpoint = { host: HOST, port: PORT, token: TOKEN };

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'inpod-sidecar-'));
    mkdirSync(path.join(dir, 'run'));
    mkdirSync(path.join(dir, 'data', 'mysql'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'grastate.dat'), `uuid: ${UUID}\nseqno: -1\nsafe_to_bootstrap: 0\n`);
    settings = {
      ...loadSettings({ POD_NAME: 'db-0', POD_IP: HOST, AGENT_TOKEN: TOKEN, GALERA_RUN_DIR: path.join(dir, 'run'), DATA_DIR: path.join(dir, 'data'), MYSQL_SOCKET: path.join(dir, 'no.sock'), MYSQL_PORT: '3399' }),
    };
    server = createAgentServer(settings, pino({ level: 'silent' }));
    await new Promise<void>((resolve) => server.listen(PORT, HOST, resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing or wrong token on everything but /healthz', async () => {
    const health = await fetch(`http://${HOST}:${PORT}/healthz`, { signal: AbortSignal.timeout(2000) });
    assert.equal(health.status, 200);
    const bad = await getReport({ ...endpoint, token: 'wrong-token-0123456789' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.error.kind, 'unauthorized');
    const none = await fetch(`http://${HOST}:${PORT}/v1/report`, { signal: AbortSignal.timeout(2000) });
    assert.equal(none.status, 401);
    const instruct = await sendInstruction({ ...endpoint, token: 'wrong-token-0123456789' }, { action: 'join', generation: 1 });
    assert.equal(instruct.ok, false);
    assert.equal(existsSync(path.join(dir, 'run', 'instruction')), false);
  });

  it('reports Initializing before the entrypoint wrote its state', async () => {
    const result = await getReport(endpoint);
    assert.ok(result.ok);
    assert.equal(result.value.phase, 'Initializing');
    assert.equal(result.value.datadirEmpty, false);
  });

  it('reports the waiting member and takes one instruction, idempotently', async () => {
    writeState(path.join(dir, 'run'), 'Waiting');
    const report = await getReport(endpoint);
    assert.ok(report.ok);
    assert.equal(report.value.phase, 'Waiting');
    assert.deepEqual(report.value.position, { uuid: UUID, seqno: 12 });

    const first = await sendInstruction(endpoint, { action: 'bootstrap', generation: 3 });
    assert.ok(first.ok);
    assert.equal(first.value.accepted, true);
    const file = path.join(dir, 'run', 'instruction');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { action: 'bootstrap', generation: 3 });

    const again = await sendInstruction(endpoint, { action: 'bootstrap', generation: 3 });
    assert.ok(again.ok && again.value.accepted, 'the same pending instruction is accepted again');
    const other = await sendInstruction(endpoint, { action: 'join', generation: 3 });
    assert.ok(other.ok && !other.value.accepted);
    if (other.ok && !other.value.accepted) assert.equal(other.value.reason, 'instruction-pending');
    rmSync(file);
  });

  it('refuses while not Waiting and for a stale generation', async () => {
    writeState(path.join(dir, 'run'), 'Starting', { action: 'bootstrap', generation: 3 });
    const starting = await sendInstruction(endpoint, { action: 'join', generation: 3 });
    assert.ok(starting.ok && !starting.value.accepted);
    if (starting.ok && !starting.value.accepted) {
      assert.equal(starting.value.reason, 'not-waiting');
      assert.equal(starting.value.phase, 'Starting');
    }
    writeState(path.join(dir, 'run'), 'Waiting', { action: 'bootstrap', generation: 3 });
    const stale = await sendInstruction(endpoint, { action: 'join', generation: 2 });
    assert.ok(stale.ok && !stale.value.accepted);
    if (stale.ok && !stale.value.accepted) assert.equal(stale.value.reason, 'stale-generation');
    assert.equal(existsSync(path.join(dir, 'run', 'instruction')), false);
  });

  it('rejects malformed instructions with 400', async () => {
    for (const body of ['{', JSON.stringify({ action: 'explode', generation: 1 }), JSON.stringify({ action: 'join', generation: -1 })]) {
      const res = await fetch(`http://${HOST}:${PORT}/v1/instruction`, {
        method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}` }, signal: AbortSignal.timeout(2000),
      });
      assert.equal(res.status, 400, body);
    }
  });
});

describe('agent client failures', () => {
  it('calls a closed port unreachable, not absent', async () => {
    const result = await getReport({ host: '127.4.1.2', port: 3309, token: TOKEN }, 1000);
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.kind, 'unreachable');
      if (result.error.kind === 'unreachable') assert.equal(result.error.timedOut, false);
    }
  });

  it('times out on an agent that accepts but never answers', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(3309, '127.4.1.3', resolve));
    try {
      const started = Date.now();
      const result = await getReport({ host: '127.4.1.3', port: 3309, token: TOKEN }, 500);
      assert.ok(Date.now() - started < 3000);
      assert.equal(result.ok, false);
      if (!result.ok && result.error.kind === 'unreachable') assert.equal(result.error.timedOut, true);
      else assert.fail('expected unreachable');
    } finally {
      silent.close();
    }
  });

  it('calls a body that breaks the contract a bad response', async () => {
    const liar = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pod: 'db-0', phase: 'Dancing' }));
    });
    await new Promise<void>((resolve) => liar.listen(3309, '127.4.1.4', resolve));
    try {
      const result = await getReport({ host: '127.4.1.4', port: 3309, token: TOKEN });
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.kind, 'bad-response');
    } finally {
      liar.closeAllConnections();
      liar.close();
    }
  });
});

describe('sidecar settings', () => {
  it('refuses wildcard addresses, missing tokens and short tokens', () => {
    const env = { POD_NAME: 'db-0', POD_IP: HOST, AGENT_TOKEN: TOKEN };
    assert.equal(loadSettings(env).listenHost, HOST);
    assert.throws(() => loadSettings({ ...env, POD_IP: '0.0.0.0' }), /wildcard/);
    assert.throws(() => loadSettings({ ...env, POD_IP: 'db-0' }), /IP address/);
    assert.throws(() => loadSettings({ ...env, AGENT_TOKEN: '' }), /token/);
    assert.throws(() => loadSettings({ ...env, AGENT_TOKEN: 'short' }), /token/);
  });
});
