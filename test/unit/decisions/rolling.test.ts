/** Rolling changes: one member at a time, drained first, writer last, stop on a broken template. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRollingStep, type RollingMember } from '../../../src/galera/decisions/rolling.js';
import { ConditionReason } from '../../../src/galera/decisions/reasons.js';

const OLD = 'rev-1';
const NEW = 'rev-2';

function member(ordinal: number, extra: Partial<RollingMember> = {}): RollingMember {
  return { pod: `db-${ordinal}`, ordinal, revision: OLD, ready: true, synced: true, drained: false, failure: null, ...extra };
}

/** Play the plan against a model where a restarted member comes back healthy (or broken). */
function simulate(members: RollingMember[], writer: string, breaks = false): { log: string[]; final: ReturnType<typeof nextRollingStep> } {
  const log: string[] = [];
  for (let i = 0; i < 50; i++) {
    const step = nextRollingStep({ desiredRevision: NEW, members, writer });
    if (step.step === 'done' || step.step === 'stopped' || step.step === 'wait') return { log, final: step };
    log.push(`${step.step} ${step.pod}`);
    const m = members.find((x) => x.pod === step.pod)!;
    if (step.step === 'drain') m.drained = true;
    if (step.step === 'undrain') m.drained = false;
    if (step.step === 'restart') {
      const others = members.filter((x) => x !== m);
      assert.ok(others.every((x) => x.ready && x.synced), 'restart only while every other member serves');
      Object.assign(m, { revision: NEW }, breaks ? { ready: false, synced: false, failure: { reason: 'CrashLoopBackOff', message: 'mariadbd: unknown variable' } } : {});
    }
  }
  throw new Error('the roll did not converge');
}

test('non-writers from the highest ordinal down, the writer last, each drained then put back', () => {
  const { log, final } = simulate([member(0), member(1), member(2)], 'db-1');
  assert.deepEqual(log, [
    'drain db-2', 'restart db-2', 'undrain db-2',
    'drain db-0', 'restart db-0', 'undrain db-0',
    'drain db-1', 'restart db-1', 'undrain db-1',
  ]);
  assert.equal(final.step, 'done');
});

test('a member that does not come back stops the roll, naming it; the others are untouched', () => {
  const members = [member(0), member(1), member(2)];
  const { log, final } = simulate(members, 'db-0', true);
  assert.deepEqual(log, ['drain db-2', 'restart db-2']);
  assert.deepEqual([final.step, final.reason], ['stopped', ConditionReason.RollingUpdateStopped]);
  assert.equal(final.step === 'stopped' && final.pod, 'db-2');
  assert.match(final.message, /CrashLoopBackOff: mariadbd: unknown variable/);
  assert.deepEqual(members.map((m) => m.revision), [OLD, OLD, NEW]);
});

test('after the user reverts, the broken member (now on an old template) is restarted first', () => {
  const broken = member(2, { revision: 'rev-2', ready: false, synced: false, drained: true, failure: { reason: 'Error', message: 'x' } });
  const step = nextRollingStep({ desiredRevision: 'rev-3', members: [member(0), member(1), broken], writer: 'db-0' });
  assert.deepEqual([step.step, 'pod' in step && step.pod], ['restart', 'db-2']);
});

test('nothing is restarted while another member is not Synced and Ready', () => {
  const step = nextRollingStep({ desiredRevision: NEW, members: [member(0), member(1, { synced: false }), member(2)], writer: 'db-0' });
  assert.deepEqual([step.step, step.step === 'wait' && step.members], ['wait', ['db-1']]);
});

test('a drained target that is desynced (ProxySQL drain) may still be restarted', () => {
  const step = nextRollingStep({ desiredRevision: NEW, members: [member(0), member(1), member(2, { drained: true, synced: false })], writer: 'db-0' });
  assert.deepEqual([step.step, 'pod' in step && step.pod], ['restart', 'db-2']);
});

test('everything on the desired revision and in service: done', () => {
  const all = [0, 1, 2].map((o) => member(o, { revision: NEW }));
  assert.equal(nextRollingStep({ desiredRevision: NEW, members: all, writer: 'db-0' }).step, 'done');
});
