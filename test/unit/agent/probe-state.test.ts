import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialProbeState, probeTiming, recordProbe } from '../../../hack/cluster/agent/probe-state.js';

describe('probe thresholds', () => {
  it('uses the Kubernetes defaults', () => {
    assert.deepEqual(probeTiming({}), { initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1_000, successThreshold: 1, failureThreshold: 3 });
  });

  it('needs failureThreshold consecutive failures to fail and successThreshold successes to pass', () => {
    const t = { successThreshold: 2, failureThreshold: 2 };
    let s = initialProbeState(true);
    s = recordProbe(s, false, t);
    assert.equal(s.passing, true);
    s = recordProbe(s, true, t);
    s = recordProbe(s, false, t);
    assert.equal(s.passing, true, 'a success in between resets the failure count');
    s = recordProbe(s, false, t);
    assert.equal(s.passing, false);
    s = recordProbe(s, true, t);
    assert.equal(s.passing, false);
    s = recordProbe(s, true, t);
    assert.equal(s.passing, true);
  });
});
