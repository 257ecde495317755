import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Job } from '@kubernetes/client-node';
import { backupsToPrune, jobOutcome, pickBackupSource, scheduleTiming, scheduledBackupName } from '../../../src/backup/decisions.js';

const member = (name: string, ready: boolean) => ({ name, ready, seqno: 7, state: ready ? 'Synced' : 'Joining' });

describe('pickBackupSource', () => {
  test('a Synced member that is not the writer, the highest ordinal first', () => {
    const status = { writer: 'shop-2', members: [member('shop-0', true), member('shop-1', true), member('shop-2', true)] };
    assert.equal(pickBackupSource(status), 'shop-1');
  });
  test('the writer only when it is the only Synced member', () => {
    assert.equal(pickBackupSource({ writer: 'shop-0', members: [member('shop-0', true), member('shop-1', false)] }), 'shop-0');
  });
  test('orders by ordinal, not by text (shop-10 after shop-9)', () => {
    const members = ['shop-9', 'shop-10', 'shop-0'].map((n) => member(n, true));
    assert.equal(pickBackupSource({ writer: 'shop-0', members }), 'shop-10');
  });
  test('none without a Synced member', () => {
    assert.equal(pickBackupSource({ writer: 'shop-0', members: [member('shop-0', false)] }), undefined);
    assert.equal(pickBackupSource(undefined), undefined);
  });
});

describe('jobOutcome', () => {
  const job = (status: V1Job['status']): V1Job => ({ status });
  test('Running until a condition says otherwise', () => {
    assert.deepEqual(jobOutcome(job({ active: 1 })), { phase: 'Running' });
    assert.deepEqual(jobOutcome(job(undefined)), { phase: 'Running' });
  });
  test('Succeeded on Complete', () => {
    assert.deepEqual(jobOutcome(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] })), { phase: 'Succeeded' });
  });
  test('Failed with the reason and message', () => {
    const outcome = jobOutcome(job({ failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }));
    assert.deepEqual(outcome, { phase: 'Failed', reason: 'BackoffLimitExceeded: Job has reached the specified backoff limit' });
  });
});

describe('scheduleTiming', () => {
  const at = (iso: string) => new Date(iso);
  test('a new schedule runs nothing now and tells the next tick', () => {
    assert.deepEqual(scheduleTiming('0 3 * * *', undefined, at('2026-11-27T10:00:00Z')), { next: at('2026-11-28T03:00:00Z') });
  });
  test('before the recorded tick nothing is due', () => {
    const next = at('2026-11-28T03:00:00Z');
    assert.deepEqual(scheduleTiming('0 3 * * *', next, at('2026-11-28T02:59:59Z')), { next });
  });
  test('at or after the recorded tick that tick is due', () => {
    assert.deepEqual(scheduleTiming('0 3 * * *', at('2026-11-28T03:00:00Z'), at('2026-11-28T03:00:01Z')), {
      due: at('2026-11-28T03:00:00Z'),
      next: at('2026-11-29T03:00:00Z'),
    });
  });
  test('missed ticks collapse into the latest one', () => {
    const timing = scheduleTiming('*/15 * * * *', at('2026-11-28T01:00:00Z'), at('2026-11-28T02:07:00Z'));
    assert.deepEqual(timing, { due: at('2026-11-28T02:00:00Z'), next: at('2026-11-28T02:15:00Z') });
  });
  test('a recorded tick from long ago looks back one day at most', () => {
    const timing = scheduleTiming('* * * * *', at('2025-01-01T00:00:00Z'), at('2026-11-28T02:07:30Z'));
    assert.deepEqual(timing, { due: at('2026-11-28T02:07:00Z'), next: at('2026-11-28T02:08:00Z') });
  });
  test('schedules are in UTC', () => {
    assert.deepEqual(scheduleTiming('30 23 * * *', undefined, at('2026-11-28T23:00:00Z')).next, at('2026-11-28T23:30:00Z'));
  });
});

test('scheduledBackupName: one name per tick, to the minute', () => {
  assert.equal(scheduledBackupName('shop', 'nightly', new Date('2026-11-27T03:00:00Z')), 'shop-nightly-202611270300');
});

describe('backupsToPrune', () => {
  const b = (name: string, created: string, phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed') => ({ name, created, phase });
  test('keeps the newest `keep` Succeeded and as many Failed; never Pending or Running', () => {
    const backups = [
      b('s1', '2026-11-01T00:00:00Z', 'Succeeded'),
      b('s2', '2026-11-02T00:00:00Z', 'Succeeded'),
      b('f1', '2026-11-03T00:00:00Z', 'Failed'),
      b('s3', '2026-11-04T00:00:00Z', 'Succeeded'),
      b('f2', '2026-11-05T00:00:00Z', 'Failed'),
      b('f3', '2026-11-06T00:00:00Z', 'Failed'),
      b('p1', '2026-10-01T00:00:00Z', 'Pending'),
      b('r1', '2026-10-02T00:00:00Z', 'Running'),
      b('n1', '2026-10-03T00:00:00Z'),
    ];
    assert.deepEqual(backupsToPrune(backups, 2).sort(), ['f1', 's1']);
  });
  test('nothing when there are no more than `keep`', () => {
    assert.deepEqual(backupsToPrune([b('s1', '2026-11-01T00:00:00Z', 'Succeeded')], 1), []);
  });
});

test('scheduleTiming: a weekly tick missed beyond the one-day look-back is not run late', () => {
  const timing = scheduleTiming('0 3 * * 1', new Date('2026-11-16T03:00:00Z'), new Date('2026-11-19T12:00:00Z'));
  assert.deepEqual(timing, { next: new Date('2026-11-23T03:00:00Z') });
});
