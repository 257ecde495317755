import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles, staleFiles } from '../../../src/crd/generate.js';

const committedDir = fileURLToPath(new URL('../../../manifests/crds/', import.meta.url));

test('the committed CRDs are up to date (run: node --import tsx src/crd/generate.ts)', () => {
  assert.deepEqual(staleFiles(committedDir), []);
});

test('generation is deterministic and writes both kinds', () => {
  const first = renderCrdFiles();
  const second = renderCrdFiles();
  assert.deepEqual([...first.keys()].sort(), ['mysqlbackups.yaml', 'mysqlclusters.yaml']);
  assert.deepEqual(first, second);
});

test('the YAML is plain data: no anchors or aliases, no tabs', () => {
  for (const [name, text] of renderCrdFiles()) {
    assert.doesNotMatch(text, /(^|\s)[&*]ref_\d+/m, name);
    assert.doesNotMatch(text, /\t/, name);
  }
});
