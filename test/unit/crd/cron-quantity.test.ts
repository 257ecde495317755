import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCron } from '../../../src/crd/cron.js';
import { compareQuantities, isQuantity, quantityToNanos } from '../../../src/crd/quantity.js';

test('validateCron accepts 5-field expressions', () => {
  for (const expr of ['0 3 * * *', '*/5 * * * *', '0 0 1 1 *', '30 2 * * SUN', '0 1-5/2 1,15 * MON-FRI']) {
    assert.deepEqual(validateCron(expr), { ok: true }, expr);
  }
});

test('validateCron refuses other shapes and says why', () => {
  const fourFields = validateCron('0 3 * *');
  assert.equal(fourFields.ok, false);
  assert.match(fourFields.ok ? '' : fourFields.error, /not a 5-field cron expression .* it has 4 field/);
  for (const expr of ['', '0 0 3 * * *', '@daily', ' 0 3 * * *', '0\t3 * * *']) assert.equal(validateCron(expr).ok, false, expr);
});

test('validateCron refuses values out of range', () => {
  for (const expr of ['61 3 * * *', '0 25 * * *', '0 3 32 * *', '0 3 * 13 *', '0 3 * * FOO']) {
    const result = validateCron(expr);
    assert.equal(result.ok, false, expr);
    assert.match(result.ok ? '' : result.error, /is not a valid cron expression/);
  }
});

test('quantities: grammar', () => {
  for (const q of ['1Gi', '10G', '500m', '1.5Gi', '1e3', '0', '.5']) assert.ok(isQuantity(q), q);
  for (const q of ['1GB', 'ten', '', '1 Gi', 'Gi']) assert.ok(!isQuantity(q), q);
});

test('quantities: exact comparison across suffixes', () => {
  assert.equal(compareQuantities('1Gi', '1024Mi'), 0);
  assert.equal(compareQuantities('1Gi', '1G'), 1);
  assert.equal(compareQuantities('1.5Gi', '1536Mi'), 0);
  assert.equal(compareQuantities('500m', '1'), -1);
  assert.equal(compareQuantities('1e3', '1k'), 0);
  assert.equal(compareQuantities(2, '2000m'), 0);
  assert.equal(compareQuantities('1Ei', '1Pi'), 1);
  assert.equal(compareQuantities('bad', '1Gi'), null);
  assert.equal(quantityToNanos('1Ki'), 1024n * 10n ** 9n);
});
