import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Controller, type ReconcileFn, type ReconcileOutcome } from '../../../src/runtime/controller.js';
import { WorkQueue } from '../../../src/runtime/workqueue.js';
import { createLogger } from '../../../src/log.js';
import { sleep } from '../../../src/runtime/clock.js';

const silent = createLogger('test', { destination: new Writable({ write: (_c, _e, done) => done() }) });

async function waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

function makeController(reconcile: ReconcileFn, concurrency = 2) {
  const queue = new WorkQueue({ backoff: { baseMs: 20, maxMs: 200 } });
  const outcomes: ReconcileOutcome[] = [];
  const controller = new Controller({
    name: 'test',
    queue,
    reconcile,
    log: silent,
    concurrency,
    observer: { reconciled: (_name, outcome) => outcomes.push(outcome) },
  });
  return { queue, controller, outcomes };
}

test('one reconcile per key at a time, different keys in parallel', async () => {
  const running = new Set<string>();
  let maxParallel = 0;
  let overlapSameKey = false;
  const runs: string[] = [];
  const { queue, controller } = makeController(async ({ key }) => {
    if (running.has(key)) overlapSameKey = true;
    running.add(key);
    maxParallel = Math.max(maxParallel, running.size);
    runs.push(key);
    await sleep(40);
    running.delete(key);
  });
  controller.start();
  queue.add('ns/a');
  queue.add('ns/b');
  await sleep(10);
  queue.add('ns/a'); // changed during its reconcile: runs once more afterwards
  queue.add('ns/a');
  await waitFor(() => runs.length === 3 && running.size === 0);
  await sleep(60);
  assert.equal(overlapSameKey, false);
  assert.equal(maxParallel, 2);
  assert.deepEqual(runs.sort(), ['ns/a', 'ns/a', 'ns/b']);
  assert.equal(await controller.stop(1000), true);
});

test('errors retry with growing delays and success resets the backoff', async () => {
  const times: number[] = [];
  let failuresLeft = 3;
  const { queue, controller, outcomes } = makeController(async () => {
    times.push(Date.now());
    if (failuresLeft-- > 0) throw new Error('transient');
  });
  controller.start();
  queue.add('ns/a');
  await waitFor(() => times.length === 4);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  assert.ok(gaps[0]! >= 18, `first retry after ~20ms, got ${gaps[0]}`);
  assert.ok(gaps[1]! >= 38, `second retry after ~40ms, got ${gaps[1]}`);
  assert.ok(gaps[2]! >= 78, `third retry after ~80ms, got ${gaps[2]}`);
  await waitFor(() => outcomes.length === 4);
  assert.deepEqual(outcomes, ['error', 'error', 'error', 'success']);
  assert.equal(queue.numRequeues('ns/a'), 0, 'backoff reset after success');
  await controller.stop(1000);
});

test('requeueAfter schedules the next run', async () => {
  const times: number[] = [];
  const { queue, controller, outcomes } = makeController(async () => {
    times.push(Date.now());
    return times.length < 3 ? { requeueAfter: 50 } : {};
  });
  controller.start();
  queue.add('ns/a');
  await waitFor(() => times.length === 3);
  assert.ok(times[1]! - times[0]! >= 45 && times[2]! - times[1]! >= 45);
  await sleep(120);
  assert.equal(times.length, 3, 'no run after a result without requeueAfter');
  assert.deepEqual(outcomes, ['requeue_after', 'requeue_after', 'success']);
  await controller.stop(1000);
});

test('stop lets an in-flight reconcile finish, and aborts it past the grace period', async () => {
  let finished = false;
  const first = makeController(async () => {
    await sleep(80);
    finished = true;
  });
  first.controller.start();
  first.queue.add('ns/a');
  await sleep(10);
  assert.equal(await first.controller.stop(2000), true);
  assert.equal(finished, true);

  let sawAbort = false;
  const second = makeController(async (_req, { signal }) => {
    await sleep(5000, signal);
    sawAbort = signal.aborted;
  });
  second.controller.start();
  second.queue.add('ns/a');
  await sleep(10);
  assert.equal(await second.controller.stop(50), false);
  await waitFor(() => sawAbort);
});
