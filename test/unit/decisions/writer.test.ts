/** Writer choice: deterministic, sticky while healthy, no fail-back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseWriter, type WriterCandidate } from '../../../src/galera/decisions/writer.js';

const member = (ordinal: number, healthy = true, drained = false): WriterCandidate =>
  ({ pod: `db-${ordinal}`, ordinal, ready: healthy, synced: healthy, drained });

test('no writer yet: the lowest-ordinal healthy member', () => {
  assert.deepEqual(chooseWriter([member(2), member(1), member(0, false)]).writer, 'db-1');
});

test('a healthy writer is kept even when a lower ordinal is healthy (no fail-back)', () => {
  const kept = chooseWriter([member(0), member(1), member(2)], 'db-2');
  assert.deepEqual([kept.writer, kept.changed, kept.reason], ['db-2', false, null]);
});

test('an unhealthy or drained writer is replaced by the lowest-ordinal healthy member', () => {
  for (const old of [member(0, false), member(0, true, true)]) {
    const c = chooseWriter([old, member(1), member(2)], 'db-0');
    assert.deepEqual([c.writer, c.changed, c.reason], ['db-1', true, 'WriterChanged']);
  }
});

test('nobody healthy: no writer', () => {
  const c = chooseWriter([member(0, false), member(1, false)], 'db-0');
  assert.deepEqual([c.writer, c.changed, c.reason], [null, true, 'WriterUnavailable']);
});

test('a writer whose health is unknown is kept only while the caller allows it, and never when drained', () => {
  const unknown: WriterCandidate = { pod: 'db-0', ordinal: 0, ready: false, synced: false, unknown: true };
  const others = [member(1), member(2)];
  const kept = chooseWriter([unknown, ...others], 'db-0', { keepUnknownWriter: true });
  assert.deepEqual([kept.writer, kept.changed, kept.reason], ['db-0', false, null]);
  assert.equal(chooseWriter([unknown, ...others], 'db-0').writer, 'db-1', 'no grace given: it moves');
  assert.equal(chooseWriter([{ ...unknown, drained: true }, ...others], 'db-0', { keepUnknownWriter: true }).writer, 'db-1');
  assert.equal(chooseWriter([member(0, false), ...others], 'db-0', { keepUnknownWriter: true }).writer, 'db-1', 'observed unhealthy is not unknown');
  assert.equal(chooseWriter([unknown, ...others], null, { keepUnknownWriter: true }).writer, 'db-1', 'an unknown member is never newly chosen');
});
