import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuantity } from '../../../hack/cluster/agent/storage/quantity.js';

describe('parseQuantity', () => {
  it('reads binary, decimal, exponent and milli forms', () => {
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('16Mi'), 16 * 2 ** 20);
    assert.equal(parseQuantity('500M'), 5e8);
    assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('100m'), 0.1);
    assert.equal(parseQuantity('1024'), 1024);
  });

  it('refuses what is not a quantity', () => {
    assert.equal(parseQuantity(undefined), undefined);
    assert.equal(parseQuantity(''), undefined);
    assert.equal(parseQuantity('1GB'), undefined);
    assert.equal(parseQuantity('Gi'), undefined);
    assert.equal(parseQuantity('1 Gi'), undefined);
  });

  it('orders sizes across notations', () => {
    assert.ok(parseQuantity('1Gi')! > parseQuantity('1G')!);
    assert.ok(parseQuantity('1025Mi')! > parseQuantity('1Gi')!);
  });
});
