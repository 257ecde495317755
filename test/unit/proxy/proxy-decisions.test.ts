/** Pure proxy decisions: one HAProxy pod's plan, the ProxyReady condition, writer candidates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configHash, type ProxyState, type ServerReport } from '../../../src/proxy-agent/api.js';
import { planHAProxyPod } from '../../../src/reconcilers/proxy/haproxy-plan.js';
import type { ProxyPodOutcome } from '../../../src/reconcilers/proxy/pods.js';
import { proxyReadiness } from '../../../src/reconcilers/proxy/readiness.js';
import { writerCandidates } from '../../../src/reconcilers/proxy/writer.js';
import { chooseWriter } from '../../../src/galera/decisions/index.js';
import type { ObservedMember } from '../../../src/reconcilers/phases/galera-observe.js';

const CONFIG = 'global\n# writer shop-1\n';
const OLD = 'global\n# writer shop-0\n';

function servers(overrides: Record<string, Partial<ServerReport>> = {}): ServerReport[] {
  return ['writer', 'reader'].flatMap((backend) =>
    ['shop-0', 'shop-1', 'shop-2'].map((server) => ({
      backend, server, up: true, draining: false, maintenance: false, sessions: 0, ...overrides[server],
    })),
  );
}

function state(applied: string, list = servers(), adminReachable = true): ProxyState {
  return { desiredHash: configHash(applied), appliedHash: configHash(applied), adminReachable, servers: adminReachable ? list : [] };
}

describe('planHAProxyPod', () => {
  it('a pod running the desired config with nothing to drain is programmed and does nothing', () => {
    const plan = planHAProxyPod(state(CONFIG), { config: CONFIG, drained: [], drainTimedOut: false });
    assert.deepEqual(plan, { setDrained: false, pushConfig: false, programmed: true, memberDrained: true, drainedSessions: 0 });
  });

  it('a stale config is pushed and the pod is not programmed until it is loaded', () => {
    const plan = planHAProxyPod(state(OLD), { config: CONFIG, drained: [], drainTimedOut: false });
    assert.equal(plan.pushConfig, true);
    assert.equal(plan.programmed, false);
    const written = { ...state(OLD), desiredHash: configHash(CONFIG) };
    assert.equal(planHAProxyPod(written, { config: CONFIG, drained: [], drainTimedOut: false }).pushConfig, false, 'no second push');
  });

  it('drains the member, holds a config change while its sessions last, and reports drained at 0 sessions', () => {
    const desired = { config: CONFIG, drained: ['shop-0'], drainTimedOut: false };
    assert.equal(planHAProxyPod(state(OLD), desired).setDrained, true);
    const busy = state(OLD, servers({ 'shop-0': { draining: true, sessions: 2 } }));
    const held = planHAProxyPod(busy, desired);
    assert.deepEqual([held.setDrained, held.pushConfig, held.memberDrained, held.drainedSessions], [false, false, false, 4]);
    assert.equal(planHAProxyPod(busy, { ...desired, drainTimedOut: true }).pushConfig, true, 'the wait is bounded');
    const idle = state(OLD, servers({ 'shop-0': { draining: true } }));
    assert.equal(planHAProxyPod(idle, desired).pushConfig, true);
    const done = state(CONFIG, servers({ 'shop-0': { draining: true } }));
    assert.equal(planHAProxyPod(done, desired).memberDrained, true);
  });

  it('puts a member that is no longer drained back, and never calls an unreachable admin socket programmed', () => {
    const plan = planHAProxyPod(state(CONFIG, servers({ 'shop-2': { draining: true } })), { config: CONFIG, drained: [], drainTimedOut: false });
    assert.equal(plan.setDrained, true);
    assert.equal(plan.programmed, false);
    const dark = planHAProxyPod(state(CONFIG, [], false), { config: CONFIG, drained: ['shop-0'], drainTimedOut: false });
    assert.deepEqual([dark.setDrained, dark.programmed, dark.memberDrained], [false, false, false]);
  });
});

describe('proxyReadiness', () => {
  const ok = (pod: string): ProxyPodOutcome => ({ pod, ready: true, programmed: true, memberDrained: true });
  it('is True only when enough pods are Ready and programmed', () => {
    assert.equal(proxyReadiness([ok('a'), ok('b')], 2, 'shop-0').ready, true);
    const short = proxyReadiness([ok('a')], 2, 'shop-0');
    assert.deepEqual([short.ready, short.reason], [false, 'ProxyPodsNotReady']);
  });

  it('names the worst failure of a Ready pod, and a refused programming even of a pod not Ready', () => {
    const pending: ProxyPodOutcome = { ...ok('b'), programmed: false, failure: { reason: 'ProxyConfigPending', message: 'b pending' } };
    const refused: ProxyPodOutcome = { pod: 'c', ready: false, programmed: false, memberDrained: false, failure: { reason: 'ProxyProgrammingFailed', message: 'c: apply: denied' } };
    assert.deepEqual(proxyReadiness([ok('a'), pending], 1, 'w'), { ready: false, reason: 'ProxyConfigPending', message: 'b pending' });
    assert.equal(proxyReadiness([ok('a'), pending, refused], 1, 'w').reason, 'ProxyProgrammingFailed');
    const starting: ProxyPodOutcome = { pod: 'd', ready: false, programmed: false, memberDrained: false, failure: { reason: 'ProxyUnreachable', message: 'd is not running yet' } };
    assert.equal(proxyReadiness([ok('a'), starting], 1, 'w').ready, true, 'a starting surge pod does not block');
  });
});

describe('writerCandidates', () => {
  const member = (ordinal: number, wsrep: { clusterStatus: string; localState: number } | null): ObservedMember =>
    ({
      observation: { kind: 'reported', pod: `shop-${ordinal}`, ordinal },
      pod: { status: { podIP: `127.1.0.${ordinal + 1}` } },
      wsrep,
    }) as unknown as ObservedMember;

  it('only Primary ∧ Synced members that are not drained may write; the current writer stays', () => {
    const members = [member(0, { clusterStatus: 'Primary', localState: 4 }), member(1, { clusterStatus: 'Primary', localState: 2 }), member(2, { clusterStatus: 'Primary', localState: 4 })];
    const candidates = writerCandidates(members, 'shop-0');
    assert.deepEqual(candidates.map((c) => [c.pod, c.ready && c.synced && !c.drained]), [['shop-0', false], ['shop-1', false], ['shop-2', true]]);
    assert.equal(chooseWriter(candidates, 'shop-0').writer, 'shop-2', 'the drained writer hands over');
    assert.equal(chooseWriter(writerCandidates(members, undefined), 'shop-2').writer, 'shop-2', 'no fail-back to shop-0');
    assert.equal(chooseWriter(writerCandidates([member(0, null)], undefined), 'shop-0').writer, null);
  });

  it('only a query timeout or an agent that did not answer makes health unknown; a refused connection is down', () => {
    const timedOut = { ...member(0, null), wsrepFailure: 'timeout' } as ObservedMember;
    const refused = { ...member(1, null), wsrepFailure: 'unreachable' } as ObservedMember;
    const silent = { ...member(2, null), observation: { kind: 'unreachable', pod: 'shop-2', ordinal: 2, detail: 'timeout' } } as ObservedMember;
    assert.deepEqual(writerCandidates([timedOut, refused, silent], undefined).map((c) => [c.pod, c.unknown]), [['shop-0', true], ['shop-1', false], ['shop-2', true]]);
  });
});
