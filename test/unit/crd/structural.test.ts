import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadYaml } from '@kubernetes/client-node';
import { z } from 'zod';
import { BACKUP_DEFINITION, buildCrd, CLUSTER_DEFINITION } from '../../../src/crd/crd-builder.js';
import { toStructuralSchema } from '../../../src/crd/structural.js';
import { structuralViolations, valueViolations } from './structural-check.js';

type Node = Record<string, any>;

/** The committed CRD file, parsed (apiVersion/kind lines set aside, see generate.ts). */
function committedCrd(file: string): Node {
  const text = readFileSync(new URL(`../../../manifests/crds/${file}`, import.meta.url), 'utf8');
  const body = text.split('\n').filter((line) => !/^(#|apiVersion:|kind:)/.test(line)).join('\n');
  const head = Object.fromEntries(
    text.split('\n').filter((line) => /^(apiVersion|kind):/.test(line)).map((line) => line.split(': ') as [string, string]),
  );
  return { ...head, ...(loadYaml(body) as Node) };
}

const crds = [
  { file: 'mysqlclusters.yaml', definition: CLUSTER_DEFINITION },
  { file: 'mysqlbackups.yaml', definition: BACKUP_DEFINITION },
];

for (const { file, definition } of crds) {
  const crd = committedCrd(file);
  const schema: Node = crd.spec.versions[0].schema.openAPIV3Schema;

  test(`${file}: the committed YAML is the built CRD`, () => {
    assert.deepEqual(crd, buildCrd(definition));
  });

  test(`${file}: structural schema, described and typed everywhere`, () => {
    assert.deepEqual(structuralViolations(schema), []);
  });

  test(`${file}: names, scope, status subresource and columns`, () => {
    assert.equal(crd.spec.group, 'galera-operator.io');
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.equal(crd.spec.names.plural, definition.names.plural);
    assert.ok(crd.spec.names.shortNames.length > 0);
    const version = crd.spec.versions[0];
    assert.equal(version.name, 'v1alpha1');
    assert.deepEqual(version.subresources.status, {});
    assert.ok(version.additionalPrinterColumns.some((c: Node) => c.jsonPath === '.metadata.creationTimestamp'));
    for (const column of version.additionalPrinterColumns) {
      const fields = String(column.jsonPath).split('.').slice(1);
      if (fields[0] === 'metadata') continue;
      let node: Node | undefined = schema;
      for (const field of fields) node = node?.properties?.[field];
      assert.ok(node, `column ${column.name} points to ${column.jsonPath}, which the schema lacks`);
    }
  });
}

test('MySQLCluster columns are READY, WRITER, STATUS, AGE in that order', () => {
  const columns = buildCrd(CLUSTER_DEFINITION).spec as Node;
  const names = columns.versions[0].additionalPrinterColumns.filter((c: Node) => !c.priority).map((c: Node) => c.name);
  assert.deepEqual(names, ['Ready', 'Writer', 'Status', 'Age']);
});

test('the checker itself finds violations', () => {
  const bad = {
    type: 'object',
    properties: {
      metadata: { type: 'object', description: 'x' },
      untyped: { description: 'no type' },
      undocumented: { type: 'string' },
      count: { type: 'integer', description: 'no format' },
      both: { type: 'object', description: 'x', properties: {}, additionalProperties: { type: 'string' } },
      union: { description: 'x', anyOf: [{ type: 'string' }, { type: 'boolean' }] },
      ref: { $ref: '#/definitions/x', type: 'object', description: 'x' },
      badDefault: { type: 'string', description: 'x', enum: ['a'], default: 'b' },
      list: { type: 'array', description: 'x', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string', description: 'x' } } } },
    },
  };
  const problems = structuralViolations(bad).join('\n');
  for (const expected of ['metadata: only name', 'untyped: no type', 'undocumented: no description', 'count: integer without',
    'both: properties and additionalProperties', 'union: anyOf outside', '"$ref" is not allowed', 'badDefault.default: not one of',
    'map key name must be required']) {
    assert.match(problems, new RegExp(expected.replace(/[$]/g, '\\$')), `expected a violation: ${expected}`);
  }
});

test('valueViolations checks types, patterns and bounds', () => {
  assert.deepEqual(valueViolations({ a: 1 }, { type: 'object', properties: { a: { type: 'integer', format: 'int32', minimum: 1 } } }, 'v'), []);
  assert.deepEqual(valueViolations('5Gi', { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+Gi$' }, 'v'), []);
  assert.equal(valueViolations('5Zi', { 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+Gi$' }, 'v').length, 1);
  assert.equal(valueViolations(0, { type: 'integer', minimum: 1 }, 'v').length, 1);
  assert.equal(valueViolations({ b: 1 }, { type: 'object', properties: {} }, 'v').length, 1);
});

test('every rule of the tables sits where its `at` points, with its message', () => {
  for (const definition of [CLUSTER_DEFINITION, BACKUP_DEFINITION]) {
    const spec: Node = (buildCrd(definition).spec as Node).versions[0].schema.openAPIV3Schema.properties.spec;
    for (const rule of definition.rules) {
      let node: Node = spec;
      for (const segment of rule.at) node = segment === '[]' ? node.items : node.properties[segment];
      const placed = (node['x-kubernetes-validations'] ?? []) as Node[];
      assert.ok(placed.some((v) => v.rule === rule.rule && v.message === rule.message), `rule not placed: ${rule.rule}`);
    }
  }
});

test('a rule that points to a missing field stops the generation', () => {
  const broken = { ...CLUSTER_DEFINITION, rules: [{ at: ['nope'], rule: 'true', message: 'm', holds: () => true }] };
  assert.throws(() => buildCrd(broken), /points to a field that does not exist: nope/);
});

test('zod shapes without a structural form are refused at generation', () => {
  assert.throws(() => toStructuralSchema(z.object({ a: z.union([z.string(), z.boolean()]).describe('x') }), 'spec'), /spec\.a: anyOf/);
  assert.throws(() => toStructuralSchema(z.object({ a: z.looseObject({}).describe('x') }), 'spec'), /spec\.a\.\*: every node needs a type/);
  assert.throws(() => toStructuralSchema(z.object({ a: z.tuple([z.string()]).describe('x') }), 'spec'), /anyOf|not allowed|expected a schema/);
  const ok = toStructuralSchema(z.object({ n: z.int32().min(1).default(3).describe('Count') }), 'spec');
  assert.deepEqual(ok.properties, { n: { type: 'integer', format: 'int32', description: 'Count. Default: 3.', default: 3, minimum: 1 } });
});
