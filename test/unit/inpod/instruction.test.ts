import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decideInstruction, readPendingInstruction, writeInstruction } from '../../../src/sidecar/instruction.js';

describe('decideInstruction', () => {
  const waiting = { phase: 'Waiting' as const, lastInstruction: null, pending: null };

  it('accepts while Waiting', () => {
    assert.deepEqual(decideInstruction(waiting, { action: 'bootstrap', generation: 1 }), { accept: true, alreadyPending: false });
  });

  it('refuses in every other phase', () => {
    for (const phase of ['Initializing', 'Recovering', 'Starting', 'Running', 'Failed'] as const) {
      const decision = decideInstruction({ ...waiting, phase }, { action: 'join', generation: 1 });
      assert.equal(decision.accept, false, phase);
      if (!decision.accept) assert.equal(decision.reason, 'not-waiting');
    }
  });

  it('refuses a generation older than the last one taken, accepts the same or newer', () => {
    const ctx = { ...waiting, lastInstruction: { action: 'bootstrap' as const, generation: 5 } };
    const stale = decideInstruction(ctx, { action: 'join', generation: 4 });
    assert.equal(stale.accept, false);
    if (!stale.accept) assert.equal(stale.reason, 'stale-generation');
    assert.equal(decideInstruction(ctx, { action: 'join', generation: 5 }).accept, true);
    assert.equal(decideInstruction(ctx, { action: 'join', generation: 6 }).accept, true);
  });

  it('is idempotent for the pending instruction and refuses a different one', () => {
    const ctx = { ...waiting, pending: { action: 'join' as const, generation: 3 } };
    assert.deepEqual(decideInstruction(ctx, { action: 'join', generation: 3 }), { accept: true, alreadyPending: true });
    const other = decideInstruction(ctx, { action: 'bootstrap', generation: 3 });
    assert.equal(other.accept, false);
    if (!other.accept) assert.equal(other.reason, 'instruction-pending');
  });
});

describe('instruction file', () => {
  it('is written atomically and read back; garbage reads as none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inpod-unit-'));
    try {
      const file = path.join(dir, 'instruction');
      assert.equal(await readPendingInstruction(file), null);
      await writeInstruction(file, { action: 'bootstrap', generation: 7 });
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { action: 'bootstrap', generation: 7 });
      assert.deepEqual(await readPendingInstruction(file), { action: 'bootstrap', generation: 7 });
      assert.deepEqual(readdirSync(dir), ['instruction'], 'no temporary file left behind');
      await writeInstruction(file, { action: 'join', generation: 8 });
      assert.deepEqual(await readPendingInstruction(file), { action: 'join', generation: 8 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
