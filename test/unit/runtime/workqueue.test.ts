import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/runtime/workqueue.js';
import { backoffDelay } from '../../../src/runtime/clock.js';
import { FakeClock } from './fake-clock.js';

/** Takes a key only if one is ready now (get() would otherwise wait). */
async function takeReady(queue: WorkQueue): Promise<string | undefined> {
  if (queue.length === 0) return undefined;
  return queue.get();
}

test('pending keys are deduplicated and handed out in order', async () => {
  const queue = new WorkQueue({ clock: new FakeClock() });
  queue.add('ns/a');
  queue.add('ns/b');
  queue.add('ns/a');
  assert.equal(queue.length, 2);
  assert.equal(await queue.get(), 'ns/a');
  assert.equal(await queue.get(), 'ns/b');
  assert.equal(queue.length, 0);
});

test('a key being processed is not handed out again; changes during processing rerun it once', async () => {
  const queue = new WorkQueue({ clock: new FakeClock() });
  queue.add('ns/a');
  const key = await queue.get();
  assert.equal(key, 'ns/a');
  queue.add('ns/a');
  queue.add('ns/a');
  queue.add('ns/a');
  assert.equal(queue.length, 0, 'not queued while in flight');
  queue.done('ns/a');
  assert.equal(queue.length, 1, 'queued exactly once after done');
  assert.equal(await takeReady(queue), 'ns/a');
  queue.done('ns/a');
  assert.equal(queue.length, 0, 'no further rerun without a new add');
});

test('a waiting worker receives a key as soon as it is added', async () => {
  const queue = new WorkQueue({ clock: new FakeClock() });
  const pending = queue.get();
  queue.add('ns/x');
  assert.equal(await pending, 'ns/x');
  assert.equal(queue.inFlight, 1);
});

test('rate-limited retries back off exponentially per key and reset on forget', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, backoff: { baseMs: 100, maxMs: 1000 } });
  const delays = [1, 2, 3, 4, 5].map(() => queue.addRateLimited('ns/a'));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
  assert.equal(queue.numRequeues('ns/a'), 5);
  assert.equal(queue.addRateLimited('ns/b'), 100, 'other keys have their own backoff');
  queue.forget('ns/a');
  assert.equal(queue.numRequeues('ns/a'), 0);
  assert.equal(queue.addRateLimited('ns/a'), 100);
});

test('a rate-limited key arrives only after its delay', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock, backoff: { baseMs: 100, maxMs: 1000 } });
  queue.addRateLimited('ns/a');
  clock.advance(99);
  assert.equal(queue.length, 0);
  clock.advance(1);
  assert.equal(queue.length, 1);
  assert.equal(await takeReady(queue), 'ns/a');
});

test('addAfter keeps the earliest pending time and a plain add is not delayed', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock });
  queue.addAfter('ns/a', 5000);
  queue.addAfter('ns/a', 1000);
  queue.addAfter('ns/a', 3000);
  assert.equal(clock.pendingTimers, 1);
  clock.advance(1000);
  assert.equal(queue.length, 1);
  assert.equal(await takeReady(queue), 'ns/a');
  queue.done('ns/a');
  clock.advance(10_000);
  assert.equal(queue.length, 0, 'the later delays were dropped');
  queue.addAfter('ns/b', 0);
  assert.equal(queue.length, 1);
});

test('shutdown releases waiting workers, drops delayed adds and refuses new keys', async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock });
  const waiting = queue.get();
  queue.addAfter('ns/a', 100);
  queue.shutDown();
  assert.equal(await waiting, undefined);
  assert.equal(clock.pendingTimers, 0);
  queue.add('ns/b');
  assert.equal(await queue.get(), undefined);
});

test('metrics observer sees adds, depth, retries and wait time', async () => {
  const clock = new FakeClock();
  const seen = { added: 0, depth: [] as number[], retried: 0, waited: [] as number[] };
  const queue = new WorkQueue({
    clock,
    observer: {
      added: () => seen.added++,
      depth: (d) => seen.depth.push(d),
      retried: () => seen.retried++,
      waited: (s) => seen.waited.push(s),
    },
  });
  queue.add('ns/a');
  queue.add('ns/a');
  clock.advance(1500);
  await queue.get();
  queue.addRateLimited('ns/a');
  assert.equal(seen.added, 1);
  assert.deepEqual(seen.depth, [1, 0]);
  assert.equal(seen.retried, 1);
  assert.deepEqual(seen.waited, [1.5]);
});

test('backoffDelay is capped and tolerates absurd failure counts', () => {
  assert.equal(backoffDelay(0, { baseMs: 5, maxMs: 50 }), 5);
  assert.equal(backoffDelay(3, { baseMs: 5, maxMs: 50 }), 40);
  assert.equal(backoffDelay(1e6, { baseMs: 5, maxMs: 50 }), 50);
});
