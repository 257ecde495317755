import assert from 'node:assert/strict';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Endpoint } from '../../../hack/cluster/agent/net/endpoints.js';
import { PortForwarder } from '../../../hack/cluster/agent/net/port-forwarder.js';
import { waitFor } from './support/wait.js';

// Real sockets on this suite's own loopback addresses (127.3.0.0/16 is reserved for these tests).
const FRONT = '127.3.0.1';
const BACKEND_A = { key: 'a', host: '127.3.0.11', port: 17001 };
const BACKEND_B = { key: 'b', host: '127.3.0.12', port: 17001 };
const log = pino({ level: 'silent' });

/** A backend that reads until the client half-closes, then answers `<name>:<bytes received>`. */
function backend(name: string, ep: Endpoint, sockets: Set<Socket>): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let received = '';
    sock.on('data', (d) => (received += d.toString()));
    sock.on('end', () => sock.end(`${name}:${received}`));
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen({ host: ep.host, port: ep.port }, () => resolve(server)));
}

/** Send `payload`, half-close, and collect the answer; 'reset' or 'closed-empty' on refusal. */
function exchange(port: number, payload: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: FRONT, port, allowHalfOpen: true });
    let answer = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('timed out'));
    }, timeoutMs);
    sock.on('connect', () => sock.end(payload));
    sock.on('data', (d) => (answer += d.toString()));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === 'ECONNRESET' ? 'reset' : `error:${err.code}`);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(answer === '' ? 'closed-empty' : answer);
    });
  });
}

describe('PortForwarder', () => {
  const backendSockets = new Set<Socket>();
  const servers: Server[] = [];
  const forwarders: PortForwarder[] = [];
  let endpoints: Endpoint[] = [];
  let next = 0;
  const choose = () => (endpoints.length ? endpoints[next++ % endpoints.length] : undefined);

  async function forwarder(port: number, pick: () => Endpoint | undefined = choose): Promise<PortForwarder> {
    const f = new PortForwarder(FRONT, port, pick, log);
    await f.listen();
    forwarders.push(f);
    return f;
  }

  before(async () => {
    servers.push(await backend('A', BACKEND_A, backendSockets), await backend('B', BACKEND_B, backendSockets));
  });
  after(async () => {
    await Promise.all(forwarders.map((f) => f.close()));
    for (const s of backendSockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('carries data both ways, including half-close, spread over the chosen backends', async () => {
    endpoints = [BACKEND_A, BACKEND_B];
    await forwarder(17101);
    const answers = [await exchange(17101, 'hello'), await exchange(17101, 'there'), await exchange(17101, 'x'.repeat(200_000))];
    assert.deepEqual(answers.slice(0, 2).sort(), ['A:hello', 'B:there']);
    assert.equal(answers[2]!.length, 2 + 200_000);
  });

  it('rejects at once when there is no endpoint', async () => {
    await forwarder(17102, () => undefined);
    const started = Date.now();
    const answer = await exchange(17102, 'anyone?');
    assert.ok(answer === 'reset' || answer === 'closed-empty', answer);
    assert.ok(Date.now() - started < 1000);
  });

  it('drops the client when the backend refuses', async () => {
    await forwarder(17103, () => ({ key: 'gone', host: '127.3.0.13', port: 17001 }));
    const answer = await exchange(17103, 'x');
    assert.ok(answer === 'reset' || answer === 'closed-empty', answer);
  });

  it('closes live connections to one endpoint and leaves the others', async () => {
    endpoints = [BACKEND_A, BACKEND_B];
    next = 0;
    const f = await forwarder(17104);
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const s = connect({ host: FRONT, port: 17104 }, () => resolve(s));
        s.on('error', () => undefined);
      });
    const toA = await open();
    const toB = await open();
    await waitFor('two tracked connections', () => f.connectionCount() === 2, 3000, 20);
    const closedA = new Promise((r) => toA.on('close', r));
    assert.equal(f.closeConnectionsTo('a'), 1);
    await closedA;
    assert.equal(toB.destroyed, false);
    assert.equal(f.connectionCount(), 1);
    toB.destroy();
    await waitFor('no tracked connections', () => f.connectionCount() === 0, 3000, 20);
  });

  it('stops accepting after close', async () => {
    const f = await forwarder(17105);
    await f.close();
    const answer = await exchange(17105, 'x');
    assert.equal(answer, 'error:ECONNREFUSED');
  });
});
