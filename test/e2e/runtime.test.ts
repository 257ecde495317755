import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CoordinationV1Api, V1MicroTime, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { Applier } from '../../src/runtime/apply.js';
import { sleep } from '../../src/runtime/clock.js';
import { eventually, localCluster, quietLogger, startChildOperator, testCrd, type ChildOperator } from '../unit/runtime/support/e2e.js';
import { setCondition } from '../../src/runtime/conditions.js';
import { ConflictError } from '../../src/runtime/errors.js';
import { EventRecorder } from '../../src/runtime/events.js';
import { Informer, type InformerEvent } from '../../src/runtime/informer.js';
import { LeaderElector } from '../../src/runtime/leader.js';
import { Manager } from '../../src/runtime/manager.js';
import { withControllerReference } from '../../src/runtime/owners.js';
import { Resources, resourcePath, type ResourceRef } from '../../src/runtime/resources.js';
import { KubeRest } from '../../src/runtime/rest.js';
import { StatusWriter, type WithStatus } from '../../src/runtime/status.js';

/*
 * The controller runtime against the real API server of the local cluster: server-side apply
 * and conflicts, status written only on change, events with series, informers that recover,
 * a manager reconciling a custom resource and its owned objects, and Lease leader election
 * between two operator processes (SIGKILL and graceful hand-over).
 * Processes started here bind only 127.0.30.x.
 */

const NS = `rt-e2e-${randomBytes(3).toString('hex')}`;
const FIELD_MANAGER = 'runtime-e2e';
const Widget: ResourceRef = { group: 'test.galera-operator.io', version: 'v1alpha1', plural: 'rtwidgets', kind: 'RtWidget' };
const WIDGET_API = 'test.galera-operator.io/v1alpha1';
const CRD_NAME = `${Widget.plural}.${Widget.group}`;

const quiet = quietLogger();
const { kc, skip } = await localCluster();
const rest = new KubeRest(kc);
const applier = new Applier(kc);

describe('controller runtime against the real API server', { skip, timeout: 240_000 }, () => {
  before(async () => {
    await applier.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, { fieldManager: FIELD_MANAGER });
    await applier.apply(testCrd(Widget), { fieldManager: FIELD_MANAGER, force: true });
    await eventually('the test CRD to be established', async () => {
      const crd = await rest.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`);
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    });
    // Discovery of the new group can lag establishment by a moment.
    await eventually('the test resource to be served', () => rest.get(resourcePath(Widget, NS)).then(() => true));
  });

  after(async () => {
    await rest.request('DELETE', `/api/v1/namespaces/${NS}`).catch(() => undefined);
    await rest.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`).catch(() => undefined);
    rest.close();
    applier.close();
  });

  it('server-side apply creates and updates; another manager gets a typed conflict', async () => {
    const cm = (data: Record<string, string>): V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: NS }, data });
    const created = await applier.apply(cm({ a: '1', b: 'x' }), { fieldManager: 'manager-a' });
    assert.deepEqual(created.data, { a: '1', b: 'x' });
    assert.ok(created.metadata?.uid);
    const updated = await applier.apply(cm({ a: '2' }), { fieldManager: 'manager-a' });
    assert.deepEqual(updated.data, { a: '2' }, 'a field the manager stopped applying is removed');
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
    assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);

    await assert.rejects(applier.apply(cm({ a: '3' }), { fieldManager: 'manager-b' }), (err: unknown) => {
      assert.ok(err instanceof ConflictError, `expected ConflictError, got ${String(err)}`);
      assert.equal(err.statusCode, 409);
      assert.match(err.message, /conflict/i);
      return true;
    });
    const unchanged = await rest.get<V1ConfigMap>(resourcePath(Resources.ConfigMap, NS, 'ssa'));
    assert.equal(unchanged.data?.a, '2');
    const forced = await applier.apply(cm({ a: '3' }), { fieldManager: 'manager-b', force: true });
    assert.equal(forced.data?.a, '3');
  });

  it('status is written only when it changes', async () => {
    const path = resourcePath(Widget, NS, 'status-only');
    const initial = await applier.apply<WithStatus>({ apiVersion: WIDGET_API, kind: Widget.kind, metadata: { name: 'status-only', namespace: NS }, spec: { size: 1 } } as WithStatus, {
      fieldManager: FIELD_MANAGER,
    });
    const writer = new StatusWriter(rest, Widget);
    const build = (phase: string, at: Date) => ({
      phase,
      conditions: setCondition([], { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason: phase, message: `phase ${phase}` }, at),
    });
    const observed = await rest.get<WithStatus>(path);

    const first = await writer.write(observed, build('Creating', new Date('2025-01-01T00:00:00Z')));
    assert.equal(first.written, true);
    const afterFirst = await rest.get<WithStatus>(path);
    assert.notEqual(afterFirst.metadata?.resourceVersion, initial.metadata?.resourceVersion);
    assert.equal(afterFirst.status?.phase, 'Creating');
    assert.equal(afterFirst.status?.observedGeneration, afterFirst.metadata?.generation, 'observedGeneration filled in');

    // Rebuilt conditions with a new lastTransitionTime but the same status: no write.
    const again = await writer.write(afterFirst, build('Creating', new Date('2025-01-02T00:00:00Z')));
    assert.equal(again.written, false, `rewritten over ${JSON.stringify(afterFirst.status)}`);
    // The same status seen through a stale cache (object from before the write): no write either.
    assert.equal((await writer.write(observed, build('Creating', new Date('2025-01-03T00:00:00Z')))).written, false);
    const stillSame = await rest.get<WithStatus>(path);
    assert.equal(stillSame.metadata?.resourceVersion, afterFirst.metadata?.resourceVersion, 'no write reached the API server');

    const changed = await writer.write(stillSame, build('Ready', new Date('2025-01-04T00:00:00Z')));
    assert.equal(changed.written, true);
    const afterChange = await rest.get<WithStatus>(path);
    assert.notEqual(afterChange.metadata?.resourceVersion, stillSame.metadata?.resourceVersion);
    const ready = (afterChange.status?.conditions as Array<{ status: string; lastTransitionTime: string }>)[0]!;
    assert.equal(ready.status, 'True');
    assert.equal(ready.lastTransitionTime, '2025-01-04T00:00:00Z', 'transition time moves with the status');
    assert.deepEqual((afterChange as { spec?: unknown }).spec, { size: 1 }, 'the status write touched only status');
  });

  it('events: identical repeats become one event with a series count; secrets never reach the note', async () => {
    const owner = await rest.get<KubernetesObject>(resourcePath(Resources.ConfigMap, NS, 'ssa'));
    const recorder = new EventRecorder(kc, { controller: 'test.galera-operator.io/runtime-e2e', instance: 'e2e', log: quiet, minPatchIntervalMs: 0 });
    const event = { type: 'Warning' as const, reason: 'ProbeFailed', action: 'Check', note: 'login failed with password=hunter2-secret' };
    for (let i = 0; i < 3; i++) await recorder.emit(owner, event);
    await recorder.emit(owner, { ...event, reason: 'Other' });
    const list = await rest.get<{ items: Array<{ reason: string; note: string; series?: { count: number }; regarding: { uid: string } }> }>(`/apis/events.k8s.io/v1/namespaces/${NS}/events`);
    const mine = list.items.filter((e) => e.regarding.uid === owner.metadata?.uid);
    const probe = mine.filter((e) => e.reason === 'ProbeFailed');
    assert.equal(probe.length, 1, 'repeats aggregated into one Event object');
    assert.equal(probe[0]!.series?.count, 3);
    assert.ok(!probe[0]!.note.includes('hunter2'), `note leaked a secret: ${probe[0]!.note}`);
    assert.equal(mine.filter((e) => e.reason === 'Other').length, 1);
  });

  it('an informer sees create, update and delete, and recovers after its watch is dropped', async () => {
    const informer = new Informer<V1ConfigMap>(rest, {
      resource: Resources.ConfigMap,
      namespace: NS,
      log: quiet,
      watchdogMs: 1500, // a silent watch is dropped quickly here, to prove recovery
      watchTimeoutSeconds: 120,
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    const seen: Array<[InformerEvent, string, string | undefined]> = [];
    informer.on((event, obj) => seen.push([event, obj.metadata?.name ?? '', obj.data?.v]));
    informer.start();
    try {
      assert.equal(await informer.waitForSync(15_000), true);
      assert.ok(informer.get(NS, 'ssa'), 'existing object listed into the cache');
      const cmPath = resourcePath(Resources.ConfigMap, NS);
      await rest.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inf-1', labels: { app: 'x' } }, data: { v: '1' } } });
      await eventually('add event', () => seen.some(([e, n]) => e === 'add' && n === 'inf-1'));
      await rest.request('PATCH', `${cmPath}/inf-1`, { body: { data: { v: '2' } }, contentType: 'application/merge-patch+json' });
      await eventually('update event', () => seen.some(([e, n, v]) => e === 'update' && n === 'inf-1' && v === '2'));
      assert.equal(informer.get(NS, 'inf-1')?.data?.v, '2');
      assert.deepEqual(informer.list({ namespace: NS, labels: { app: 'x' } }).map((c) => c.metadata?.name), ['inf-1']);
      await rest.request('DELETE', `${cmPath}/inf-1`);
      await eventually('delete event', () => seen.some(([e, n]) => e === 'delete' && n === 'inf-1'));
      assert.equal(informer.get(NS, 'inf-1'), undefined);

      const relistsBefore = informer.stats.relists;
      await eventually('the watchdog to drop the silent watch and relist', () => informer.stats.watchdogFires >= 1 && informer.stats.relists > relistsBefore, 15_000);
      await rest.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inf-2' }, data: { v: '1' } } });
      await eventually('events after recovery', () => seen.some(([e, n]) => e === 'add' && n === 'inf-2'));
      assert.equal(seen.filter(([e, n]) => e === 'add' && n === 'ssa').length, 1, 'a relist does not replay unchanged objects');
      assert.equal(informer.hasSynced(), true);
      assert.equal(informer.isHealthy(), true);
    } finally {
      await informer.stop();
    }
  });

  it('a manager reconciles its primary resource and its owned objects, with metrics and probes', async () => {
    const reconciled: string[] = [];
    const manager = new Manager({
      name: 'runtime-e2e-manager',
      kubeConfig: kc,
      log: quiet,
      namespace: NS,
      metricsBindAddress: '127.0.30.2:0',
      healthProbeBindAddress: '127.0.30.3:0',
      handleSignals: false,
      defaultMetrics: false,
      retryBackoff: { baseMs: 100, maxMs: 2000 },
    });
    const widgets = manager.informer<WithStatus>(Widget);
    const status = manager.statusWriter(Widget);
    manager.register({
      name: 'rtwidget',
      primary: Widget,
      owns: [Resources.ConfigMap],
      reconcile: async ({ namespace, name, key }) => {
        reconciled.push(key);
        const widget = widgets.get(namespace, name);
        if (!widget) return;
        const desired: V1ConfigMap = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${name}-config`, namespace },
          data: { size: String((widget as { spec?: { size?: number } }).spec?.size ?? 0) },
        };
        const child = await manager.apply(withControllerReference(desired, widget));
        await status.write(widget, { configMap: child.metadata?.name, phase: 'Ready' });
        return { requeueAfter: 60_000 };
      },
    });
    await manager.start();
    try {
      const [metricsAddress, probeAddress] = manager.serverAddresses;
      assert.match(metricsAddress!, /^127\.0\.30\.2:\d+$/);
      await eventually('readyz', async () => (await fetch(`http://${probeAddress}/readyz`, { signal: AbortSignal.timeout(3000) })).status === 200);
      assert.equal((await fetch(`http://${probeAddress}/healthz`, { signal: AbortSignal.timeout(3000) })).status, 200);

      await applier.apply({ apiVersion: WIDGET_API, kind: Widget.kind, metadata: { name: 'w1', namespace: NS }, spec: { size: 3 } } as KubernetesObject, { fieldManager: FIELD_MANAGER });
      const cmPath = resourcePath(Resources.ConfigMap, NS, 'w1-config');
      const child = await eventually('the owned ConfigMap', () => rest.get<V1ConfigMap>(cmPath));
      assert.equal(child.data?.size, '3');
      await eventually('the status write', async () => (await rest.get<WithStatus>(resourcePath(Widget, NS, 'w1'))).status?.phase === 'Ready');

      const owner = child.metadata?.ownerReferences?.[0];
      assert.equal(owner?.kind, Widget.kind);
      assert.equal(owner?.controller, true);
      assert.equal(owner?.blockOwnerDeletion, true);
      // Deleting the owned object maps back to its owner (controller reference) and is repaired.
      const before = reconciled.filter((k) => k === `${NS}/w1`).length;
      await rest.request('DELETE', cmPath);
      await eventually('the owned ConfigMap to be recreated', async () => {
        const again = await rest.get<V1ConfigMap>(cmPath);
        return again.metadata?.uid !== child.metadata?.uid;
      });
      assert.ok(reconciled.filter((k) => k === `${NS}/w1`).length > before);

      const metrics = await (await fetch(`http://${metricsAddress}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
      assert.match(metrics, /controller_runtime_reconcile_total\{controller="rtwidget",result="requeue_after"\} [1-9]/);
      assert.match(metrics, /workqueue_adds_total\{name="rtwidget"\} [1-9]/);
    } finally {
      await manager.stop();
    }
    await assert.rejects(fetch(`http://${manager.serverAddresses[0]}/metrics`, { signal: AbortSignal.timeout(2000) }), 'servers closed on stop');
  });

  describe('leader election between two operator processes', () => {
    const LEASE = 'rt-e2e-leader';
    const leases = kc.makeApiClient(CoordinationV1Api);

    const children = new Map<string, ChildOperator>();
    const startChild = (id: string) => children.set(id, startChildOperator(id, NS, LEASE));
    const child = (id: string) => children.get(id)!;
    const reconcilesBy = (id: string) => child(id).reconciles();
    const exited = (id: string) => child(id).exited();
    const holderOf = async (name: string) => (await leases.readNamespacedLease({ name, namespace: NS })).spec?.holderIdentity ?? '';
    const holder = () => holderOf(LEASE);

    after(async () => {
      for (const { proc } of children.values()) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    });

    it('only the leader acts; a standby takes over within ~15 s of a SIGKILL and at once after a graceful release', async (t) => {
      startChild('rt-a');
      startChild('rt-b');
      await eventually('both processes started', () => child('rt-a').lines.includes('STARTED rt-a') && child('rt-b').lines.includes('STARTED rt-b'), 60_000);
      await rest.request('POST', resourcePath(Resources.ConfigMap, NS), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'le-1' }, data: {} } });
      const first = await eventually('a leader', async () => (await holder()) || undefined, 30_000);
      const standby = first === 'rt-a' ? 'rt-b' : 'rt-a';
      await eventually('the leader to reconcile', () => reconcilesBy(first) > 0, 20_000);
      await sleep(3000);
      assert.equal(reconcilesBy(standby), 0, 'the standby does not reconcile');

      child(first).proc.kill('SIGKILL');
      const killedAt = Date.now();
      await eventually('the standby to take the lease', async () => ((await holder()) === standby ? true : undefined), 30_000, 250);
      const takeover = (Date.now() - killedAt) / 1000;
      t.diagnostic(`takeover after SIGKILL of the leader: ${takeover.toFixed(1)} s`);
      assert.ok(takeover <= 20, `takeover after SIGKILL took ${takeover.toFixed(1)} s`);
      assert.ok(takeover >= 5, `takeover after ${takeover.toFixed(1)} s: the dead leader's lease should have been honoured`);
      await eventually('the new leader to reconcile', () => reconcilesBy(standby) > 0, 15_000);

      startChild('rt-c');
      await eventually('the third process started', () => child('rt-c').lines.includes('STARTED rt-c'), 60_000);
      await sleep(2000);
      assert.equal(reconcilesBy('rt-c'), 0);
      child(standby).proc.kill('SIGTERM');
      const termAt = Date.now();
      await eventually('rt-c to take the released lease', async () => ((await holder()) === 'rt-c' ? true : undefined), 20_000, 100);
      const handover = (Date.now() - termAt) / 1000;
      t.diagnostic(`hand-over after SIGTERM of the leader: ${handover.toFixed(1)} s`);
      assert.ok(handover < 6, `hand-over after a graceful stop took ${handover.toFixed(1)} s`);
      assert.equal(await exited(standby), 0, 'graceful stop exits 0');
      await eventually('rt-c to reconcile', () => reconcilesBy('rt-c') > 0, 15_000);
      const lease = await leases.readNamespacedLease({ name: LEASE, namespace: NS });
      assert.ok((lease.spec?.leaseTransitions ?? 0) >= 2, 'transitions counted');
      child('rt-c').proc.kill('SIGTERM');
      assert.equal(await exited('rt-c'), 0);
      assert.equal(await holder(), '', 'holderIdentity cleared on graceful release');
    });

    it('a leader whose lease is taken from it steps down at once', async () => {
      let stepped = 0;
      let started = 0;
      const elector = new LeaderElector({
        kubeConfig: kc,
        namespace: NS,
        leaseName: 'rt-e2e-steal',
        identity: 'rt-victim',
        log: quiet,
        retryPeriodMs: 500,
        onStartedLeading: () => started++,
        onStoppedLeading: () => stepped++,
      });
      elector.start();
      try {
        await eventually('leadership', () => elector.isLeader(), 15_000);
        const lease = await leases.readNamespacedLease({ name: 'rt-e2e-steal', namespace: NS });
        const now = new V1MicroTime(Date.now());
        await leases.replaceNamespacedLease({
          name: 'rt-e2e-steal',
          namespace: NS,
          body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: now, acquireTime: now, leaseDurationSeconds: 15 } },
        });
        await eventually('the leader to step down', () => stepped === 1, 5_000, 50);
        assert.equal(elector.isLeader(), false);
        assert.equal(started, 1);
        assert.equal(await holderOf('rt-e2e-steal'), 'intruder', 'the old leader did not fight for the lease');
      } finally {
        await elector.release();
      }
      assert.equal(await holderOf('rt-e2e-steal'), 'intruder', 'release does not clear a lease held by someone else');
    });
  });
});
