import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeMetrics } from '../../../src/runtime/metrics.js';
import { RuntimeServer } from '../../../src/runtime/http-server.js';
import { WorkQueue } from '../../../src/runtime/workqueue.js';

// Unit tests of this area bind 127.0.30.x.
const HOST = '127.0.30.1';

test('metrics use controller-runtime names and the server serves /metrics, /healthz, /readyz', async () => {
  const metrics = new RuntimeMetrics({ defaultMetrics: false });
  const queue = new WorkQueue({ observer: metrics.queueObserver('widgets') });
  queue.add('ns/a');
  assert.equal(await queue.get(), 'ns/a');
  queue.add('ns/c');
  queue.addRateLimited('ns/b');
  const observer = metrics.controllerObserver();
  observer.reconciled?.('widgets', 'success', 0.02);
  observer.reconciled?.('widgets', 'error', 0.5);
  metrics.setLeader('op-leader', true);
  queue.shutDown();

  let ready = false;
  const server = new RuntimeServer({
    address: { host: HOST, port: 0 },
    registry: metrics.registry,
    healthChecks: [{ name: 'alive', ok: () => true }],
    readyChecks: [{ name: 'synced', ok: () => ready }],
  });
  const { port } = await server.listen();
  try {
    const base = `http://${HOST}:${port}`;
    const body = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    assert.match(body, /controller_runtime_reconcile_total\{controller="widgets",result="success"\} 1/);
    assert.match(body, /controller_runtime_reconcile_total\{controller="widgets",result="error"\} 1/);
    assert.match(body, /controller_runtime_reconcile_errors_total\{controller="widgets"\} 1/);
    assert.match(body, /controller_runtime_reconcile_time_seconds_count\{controller="widgets"\} 2/);
    assert.match(body, /workqueue_adds_total\{name="widgets"\} 2/);
    assert.match(body, /workqueue_depth\{name="widgets"\} 1/);
    assert.match(body, /workqueue_retries_total\{name="widgets"\} 1/);
    assert.match(body, /workqueue_queue_duration_seconds_count\{name="widgets"\} 1/);
    assert.match(body, /leader_election_master_status\{name="op-leader"\} 1/);

    assert.equal((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) })).status, 200);
    const notReady = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
    assert.equal(notReady.status, 500);
    assert.match(await notReady.text(), /\[-\]synced failed/);
    ready = true;
    assert.equal((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) })).status, 200);
    assert.equal((await fetch(`${base}/nope`, { signal: AbortSignal.timeout(5000) })).status, 404);
  } finally {
    await server.close();
  }
});
