/** The README's troubleshooting table lists every condition reason the operator can set. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allReasonCatalogs } from '../../../src/reconcilers/reason-catalogs.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('every condition reason has a row in the README troubleshooting table', () => {
  const missing = allReasonCatalogs()
    .map(([reason]) => reason)
    .filter((reason) => !readme.includes(`| \`${reason}\` |`));
  assert.deepEqual(missing, [], 'regenerate with: node --import tsx hack/docs/reasons-table.ts');
});

test('reason names are unique across the catalogs', () => {
  const names = allReasonCatalogs().map(([reason]) => reason);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
});
