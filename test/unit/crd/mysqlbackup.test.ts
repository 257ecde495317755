import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBackupSpec, validateBackupSpecUpdate } from '../../../src/crd/mysqlbackup.js';

test('a backup names its cluster; method defaults to physical', () => {
  const result = parseBackupSpec({ cluster: 'shop' });
  assert.deepEqual(result, { ok: true, spec: { cluster: 'shop', method: 'physical' } });
});

test('a backup without a cluster or with an unknown method is refused', () => {
  const missing = parseBackupSpec({});
  assert.equal(missing.ok, false);
  assert.match(missing.ok ? '' : missing.errors.join(), /spec\.cluster: /);
  const method = parseBackupSpec({ cluster: 'shop', method: 'snapshot' });
  assert.match(method.ok ? '' : method.errors.join(), /spec\.method: /);
});

test('a backup spec cannot change', () => {
  assert.deepEqual(validateBackupSpecUpdate({ cluster: 'shop', method: 'physical' }, { cluster: 'shop', method: 'physical' }), []);
  assert.match(
    validateBackupSpecUpdate({ cluster: 'shop', method: 'physical' }, { cluster: 'shop', method: 'logical' }).join(),
    /cannot be changed once created/,
  );
});
