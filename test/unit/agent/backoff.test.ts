import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BACKOFF_CAP_MS, BACKOFF_RESET_AFTER_MS, backoffDelay, nextCrashCount, shouldRestart,
} from '../../../hack/cluster/agent/backoff.js';

describe('restart policy and backoff', () => {
  it('restarts per policy', () => {
    assert.equal(shouldRestart('Always', 0), true);
    assert.equal(shouldRestart('Always', 1), true);
    assert.equal(shouldRestart('OnFailure', 0), false);
    assert.equal(shouldRestart('OnFailure', 137), true);
    assert.equal(shouldRestart('Never', 1), false);
  });

  it('doubles from one second up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map(backoffDelay), [1000, 2000, 4000, 8000, BACKOFF_CAP_MS, BACKOFF_CAP_MS, BACKOFF_CAP_MS]);
    assert.equal(backoffDelay(0), 0);
  });

  it('resets after a long healthy run', () => {
    assert.equal(nextCrashCount(4, 5_000), 5);
    assert.equal(nextCrashCount(4, BACKOFF_RESET_AFTER_MS), 1);
  });
});
