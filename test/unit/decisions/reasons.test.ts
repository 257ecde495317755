/** The condition reasons form a closed, documented set. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionReason, reasonCatalog } from '../../../src/galera/decisions/reasons.js';

test('every reason is its own name, with a one-line meaning', () => {
  const names = Object.keys(reasonCatalog);
  assert.ok(names.length >= 20 && names.length <= 40, `${names.length} reasons`);
  for (const name of names) {
    assert.equal(ConditionReason[name as ConditionReason], name);
    assert.match(name, /^[A-Z][A-Za-z]+$/, 'condition reasons are CamelCase');
    const { meaning, action } = reasonCatalog[name as ConditionReason];
    assert.ok(meaning.length > 10 && !meaning.includes('\n'), `${name} meaning`);
    assert.ok(!action.includes('\n'), `${name} action`);
  }
});
