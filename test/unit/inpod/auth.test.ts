import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerMatches } from '../../../src/sidecar/auth.js';

describe('bearerMatches', () => {
  const token = 'a'.repeat(32);
  it('accepts only the exact bearer token', () => {
    assert.equal(bearerMatches(`Bearer ${token}`, token), true);
    assert.equal(bearerMatches(`bearer ${token}`, token), true);
    assert.equal(bearerMatches(`Bearer ${token}x`, token), false);
    assert.equal(bearerMatches(`Bearer ${token.slice(1)}`, token), false);
    assert.equal(bearerMatches(token, token), false);
    assert.equal(bearerMatches('Bearer ', token), false);
    assert.equal(bearerMatches(undefined, token), false);
  });
  it('never matches an empty configured token', () => {
    assert.equal(bearerMatches('Bearer ', ''), false);
    assert.equal(bearerMatches('Bearer x', ''), false);
  });
});
