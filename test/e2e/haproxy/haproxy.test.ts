/**
 * HAProxy, rendered by src/haproxy/, in front of a real 3-member Galera cluster on this
 * machine: single writer on :3306, reads spread on :3307, drain, desync, reload with a new
 * writer, and kill -9 of the writer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drainMember, memberSessions, readyMember, showServersState } from '../../../src/haproxy/admin-socket.js';
import { createGaleraFixture, startGaleraCluster, type GaleraFixture, type GaleraMember } from './galera-fixture.js';
import { startHAProxy, type HAProxyHarness } from './haproxy-harness.js';
import { sleep, waitUntil } from './process-helpers.js';

const RW = 3306;
const RO = 3307;
/** The start script's wait for a replaced writer's sessions; long enough to see a member come up within it. */
const HANDOVER_S = 4;

async function landings(proxy: HAProxyHarness, port: number, count: number): Promise<string[]> {
  const nodes: string[] = [];
  for (let i = 0; i < count; i++) nodes.push((await proxy.landsOn(port)) ?? 'failed');
  return nodes;
}

/** `a,a,a,b` → `a×3 b×1`: a landing sequence short enough for a failure message. */
function runs(nodes: readonly string[]): string {
  const out: Array<[string, number]> = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (last && last[0] === node) last[1]++;
    else out.push([node, 1]);
  }
  return out.map(([node, n]) => `${node}×${n}`).join(' ');
}

/** A client that opens a connection per transaction (and per read) until stopped. */
function startClient(proxy: HAProxyHarness): { stop(): Promise<{ commits: number; failed: string[]; reads: number; failedReads: number }> } {
  let running = true;
  const failed: string[] = [];
  let commits = 0;
  let reads = 0;
  let failedReads = 0;
  const loop = (async () => {
    while (running) {
      try {
        const conn = await proxy.connect(RW);
        try {
          await conn.query({ sql: 'BEGIN', timeout: 5000 });
          await conn.query({ sql: 'INSERT INTO writes (node) VALUES (@@wsrep_node_name)', timeout: 5000 });
          await conn.query({ sql: 'COMMIT', timeout: 5000 });
          commits++;
        } finally {
          conn.destroy();
        }
      } catch (err) {
        failed.push((err as Error).message);
      }
      if ((await proxy.landsOn(RO)) === null) failedReads++;
      else reads++;
      await sleep(30);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { commits, failed, reads, failedReads };
    },
  };
}

describe('HAProxy in front of a real Galera cluster', { timeout: 400_000 }, () => {
  let fixture: GaleraFixture;
  let proxy: HAProxyHarness;
  let writer = 'm1';
  const member = (name: string): GaleraMember => fixture.members.find((m) => m.name === name)!;

  /** What the operator does per member in a rolling change: drain, restart, wait, ready. */
  async function restartDrained(name: string): Promise<void> {
    await drainMember(proxy.socket, name);
    await waitUntil(`no sessions on ${name}`, 20_000, async () => (await memberSessions(proxy.socket, name)) === 0);
    await fixture.stopGracefully(member(name));
    await fixture.start(member(name));
    await waitUntil(`${name} healthy in HAProxy`, 20_000, async () =>
      (await showServersState(proxy.socket)).some((s) => s.backend === 'reader' && s.server === name && s.up),
    );
    await readyMember(proxy.socket, name);
  }

  before(async () => {
    fixture = await createGaleraFixture();
    await startGaleraCluster(fixture);
    proxy = await startHAProxy(fixture, 'm1', { handoverSeconds: HANDOVER_S });
  });

  after(async () => {
    await proxy?.stop();
    await fixture?.stop();
  });

  it('sends every write connection to the writer only', async () => {
    const nodes: string[] = [];
    for (let i = 0; i < 15; i++) {
      const conn = await proxy.connect(RW);
      try {
        await conn.query({ sql: 'INSERT INTO writes (node) VALUES (@@wsrep_node_name)', timeout: 3000 });
        const [rows] = await conn.query({ sql: 'SELECT @@wsrep_node_name AS node', timeout: 3000 });
        nodes.push((rows as Array<{ node: string }>)[0]!.node);
      } finally {
        conn.destroy();
      }
    }
    assert.deepEqual(new Set(nodes), new Set(['m1']));
  });

  it('spreads reads over the members that are not the writer', async () => {
    const nodes = await landings(proxy, RO, 12);
    assert.deepEqual(new Set(nodes), new Set(['m2', 'm3']), `reads landed on ${nodes.join(',')}`);
  });

  it('reports server states on the admin socket', async () => {
    const states = await showServersState(proxy.socket);
    const writer = states.filter((s) => s.backend === 'writer');
    assert.equal(writer.length, 3);
    assert.ok(writer.every((s) => s.up && !s.draining), JSON.stringify(writer));
  });

  it('sends no new reads to a drained member, and reads return after ready', async () => {
    await drainMember(proxy.socket, 'm3');
    const drained = await landings(proxy, RO, 8);
    assert.ok(!drained.includes('m3'), `a drained member got reads: ${drained.join(',')}`);
    assert.ok(drained.includes('m2'));
    assert.equal(await memberSessions(proxy.socket, 'm3'), 0);
    await readyMember(proxy.socket, 'm3');
    const back = await landings(proxy, RO, 6);
    assert.ok(back.includes('m3'), `m3 got no reads after ready: ${back.join(',')}`);
  });

  it('sends no reads to a desynced (not Synced) member', async () => {
    const m2 = fixture.members[1]!;
    await fixture.rootSql(m2, 'SET GLOBAL wsrep_desync=ON');
    try {
      await waitUntil('the check to take m2 out', 10_000, async () => {
        const states = await showServersState(proxy.socket);
        return states.some((s) => s.backend === 'reader' && s.server === 'm2' && !s.up);
      });
      const nodes = await landings(proxy, RO, 8);
      assert.deepEqual(new Set(nodes), new Set(['m3']));
    } finally {
      await fixture.rootSql(m2, 'SET GLOBAL wsrep_desync=OFF');
    }
    await waitUntil('m2 back in the reader pool', 10_000, async () => (await landings(proxy, RO, 4)).includes('m2'));
  });

  it('restarts every member, writer last, under a connection-per-transaction client with no failure', async () => {
    const client = startClient(proxy);
    try {
      await sleep(500);
      for (const name of ['m3', 'm2']) await restartDrained(name);
      // The writer: drain it (writes move to the first backup, m2), re-render with m2 first,
      // then restart it like the others. Its drain survives the reload through the saved state.
      await drainMember(proxy.socket, 'm1');
      await waitUntil('no sessions on m1', 20_000, async () => (await memberSessions(proxy.socket, 'm1')) === 0);
      proxy.render('m2');
      writer = 'm2';
      await waitUntil('the reload with m2 first', 20_000, async () => {
        const states = await showServersState(proxy.socket);
        return states.some((s) => s.backend === 'writer' && s.server === 'm2' && s.up) &&
          (await proxy.landsOn(RW)) === 'm2';
      });
      const m1 = (await showServersState(proxy.socket)).filter((s) => s.server === 'm1');
      assert.ok(m1.length === 2 && m1.every((s) => s.draining), `m1 lost its drain in the reload: ${JSON.stringify(m1)}`);
      await restartDrained('m1');
    } finally {
      const result = await client.stop();
      console.log(`haproxy rolling restart: ${result.commits} committed, ${result.failed.length} failed transactions, ` +
        `${result.reads} reads, ${result.failedReads} failed reads`);
      assert.deepEqual(result.failed, []);
      assert.equal(result.failedReads, 0);
      assert.ok(result.commits > 20);
    }
    assert.deepEqual(new Set(await landings(proxy, RW, 6)), new Set(['m2']));
  });

  it('moves the writer when the config is re-rendered, ending sessions on the old writer only', async () => {
    const next = writer === 'm2' ? 'm3' : 'm2';
    const oldWriterSession = await proxy.connect(RW);
    const readSession = await proxy.connect(RO);
    try {
      proxy.render(next);
      const seen: string[] = [];
      await waitUntil(`writes to land on ${next}`, 20_000, async () => {
        seen.push((await proxy.landsOn(RW)) ?? 'failed');
        return seen.at(-1) === next;
      });
      const third = seen.filter((n) => n !== next && n !== writer && n !== 'failed');
      assert.deepEqual(third, [], `during the move writes landed on a third member: ${runs(seen)}\n${proxy.logTail()}`);
      writer = next;
      // The replaced writer's sessions get a short handover for a transaction in flight, then
      // they are ended.
      const moved = Date.now();
      let ended = false;
      while (!ended && Date.now() - moved < (HANDOVER_S + 4) * 1000) {
        ended = await oldWriterSession.query({ sql: 'SELECT 1', timeout: 3000 }).then(() => false, () => true);
        if (!ended) await sleep(200);
      }
      assert.ok(ended, `a session on the old writer was still open ${HANDOVER_S + 4} s after writes moved`);
      const [rows] = await readSession.query({ sql: 'SELECT 1 AS ok', timeout: 3000 });
      assert.equal((rows as Array<{ ok: number }>)[0]!.ok, 1, 'a healthy read session was dropped by the reload');
      const after = await landings(proxy, RW, 6);
      assert.deepEqual(new Set(after), new Set([next]), `writes after the move landed on ${after.join(',')}\n${proxy.logTail()}`);
      // Reads leave the new writer with the reload, which follows the handover: until the new
      // worker is ready, the old one (whose reader pool still has it) takes new sessions.
      const readsChecked = Date.now();
      await waitUntil('the reload to take the new writer out of the reader pool', 10_000, async () =>
        !(await landings(proxy, RO, 4)).includes(next),
      );
      console.log(`haproxy writer move: reads left the new writer ${Date.now() - readsChecked} ms after the first look`);
      assert.ok(!(await landings(proxy, RO, 6)).includes(next), 'the new writer still serves reads');
    } finally {
      oldWriterSession.destroy();
      readSession.destroy();
    }
  });

  it('gives no writes to a member that comes up during a writer move', async () => {
    // The old config lists the writer, then the others in member order: `third` is the first
    // backup, so if it comes up undrained during the handover it takes the new sessions.
    const [third, next] = fixture.members.map((m) => m.name).filter((n) => n !== writer) as [string, string];
    const writerRow = async (server: string) =>
      (await showServersState(proxy.socket)).find((s) => s.backend === 'writer' && s.server === server);
    await fixture.rootSql(member(third), 'SET GLOBAL wsrep_desync=ON');
    const oldWriterSession = await proxy.connect(RW);
    try {
      await waitUntil(`${third} down in the writer listener`, 10_000, async () => (await writerRow(third))?.up === false);
      proxy.render(next);
      await waitUntil('the handover to drain the old writer', 10_000, async () => (await writerRow(writer))?.draining === true);
      await fixture.rootSql(member(third), 'SET GLOBAL wsrep_desync=OFF');
      const seen: string[] = [];
      let thirdUpInHandover = false;
      let sessionOpen = true;
      const deadline = Date.now() + (HANDOVER_S + 4) * 1000;
      while (sessionOpen && Date.now() < deadline) {
        seen.push((await proxy.landsOn(RW)) ?? 'failed');
        const row = await writerRow(third);
        if (row?.up && (await writerRow(writer))?.draining) thirdUpInHandover = true;
        sessionOpen = await oldWriterSession.query({ sql: 'SELECT 1', timeout: 3000 }).then(() => true, () => false);
      }
      for (let i = 0; i < 6; i++) seen.push((await proxy.landsOn(RW)) ?? 'failed');
      assert.ok(thirdUpInHandover, `${third} did not come up during the ${HANDOVER_S} s handover: the test saw nothing\n${proxy.logTail()}`);
      assert.ok(!seen.includes(third), `writes landed on ${third} during the move: ${runs(seen)}\n${proxy.logTail()}`);
      assert.ok(seen.includes(next), `writes never reached ${next}: ${runs(seen)}`);
      writer = next;
    } finally {
      oldWriterSession.destroy();
      await fixture.rootSql(member(third), 'SET GLOBAL wsrep_desync=OFF');
    }
    await waitUntil(`${third} back in the reader pool`, 10_000, async () => (await landings(proxy, RO, 4)).includes(third));
  });

  it('resumes writes on one other member after kill -9 of the writer', async () => {
    const killed = writer;
    const acknowledged: Array<{ at: number; node: string }> = [];
    let killedAt = 0;
    const deadline = Date.now() + 60_000;
    let errors = 0;
    while (Date.now() < deadline) {
      if (killedAt === 0 && acknowledged.length >= 20) {
        killedAt = Date.now();
        fixture.killHard(member(killed));
      }
      const after = acknowledged.filter((w) => w.at > killedAt && killedAt > 0);
      if (after.length >= 20) break;
      try {
        const conn = await proxy.connect(RW);
        try {
          await conn.query({ sql: 'INSERT INTO writes (node) VALUES (@@wsrep_node_name)', timeout: 5000 });
          const [rows] = await conn.query({ sql: 'SELECT @@wsrep_node_name AS node', timeout: 5000 });
          acknowledged.push({ at: Date.now(), node: (rows as Array<{ node: string }>)[0]!.node });
        } finally {
          conn.destroy();
        }
      } catch {
        errors++;
      }
      await sleep(20);
    }
    assert.ok(killedAt > 0, 'never reached the kill');
    const before = acknowledged.filter((w) => w.at <= killedAt);
    const resumed = acknowledged.filter((w) => w.at > killedAt);
    assert.deepEqual(new Set(before.map((w) => w.node)), new Set([killed]));
    assert.ok(resumed.length >= 20, `writes did not resume within 60 s (${resumed.length} after the kill)`);
    const survivors = new Set(resumed.map((w) => w.node));
    assert.equal(survivors.size, 1, `writes after the failover went to ${[...survivors].join(',')}`);
    assert.ok(!survivors.has(killed));
    let gap = 0;
    for (let i = 1; i < acknowledged.length; i++) gap = Math.max(gap, acknowledged[i]!.at - acknowledged[i - 1]!.at);
    console.log(`haproxy writer failover: largest gap between acknowledged writes ${(gap / 1000).toFixed(2)} s, ` +
      `${errors} failed attempts, new writer ${[...survivors].join(',')}`);
  });
});
