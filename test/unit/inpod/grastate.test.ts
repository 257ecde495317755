import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGrastate } from '../../../src/sidecar/grastate.js';

const UUID = '00bcc085-ea82-11f1-8fb4-c61ea69bc74c';

describe('parseGrastate', () => {
  it('reads a clean shutdown', () => {
    const text = `# GALERA saved state\nversion: 2.1\nuuid:    ${UUID}\nseqno:   42\nsafe_to_bootstrap: 1\n`;
    assert.deepEqual(parseGrastate(text), { position: { uuid: UUID, seqno: 42 }, safeToBootstrap: true });
  });

  it('reads a crash (seqno -1, not safe)', () => {
    const text = `version: 2.1\nuuid:    ${UUID}\nseqno:   -1\nsafe_to_bootstrap: 0\n`;
    assert.deepEqual(parseGrastate(text), { position: { uuid: UUID, seqno: -1 }, safeToBootstrap: false });
  });

  it('gives no position for garbage or a missing field', () => {
    assert.deepEqual(parseGrastate('uuid: not-a-uuid\nseqno: 5\n'), { position: null, safeToBootstrap: false });
    assert.deepEqual(parseGrastate(`uuid: ${UUID}\n`), { position: null, safeToBootstrap: false });
    assert.deepEqual(parseGrastate(''), { position: null, safeToBootstrap: false });
  });
});
