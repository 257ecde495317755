/**
 * Pure builders of the two CustomResourceDefinitions from the zod schemas and rule tables.
 */
import type { z } from 'zod';
import { mysqlBackupRules, mysqlBackupSpecSchema, mysqlBackupStatusSchema } from './mysqlbackup.js';
import { mysqlClusterRules } from './mysqlcluster-rules.js';
import { mysqlClusterSpecSchema } from './mysqlcluster-spec.js';
import { mysqlClusterStatusSchema } from './mysqlcluster-status.js';
import { API_GROUP, API_VERSION_NAME, crdName, MYSQL_BACKUP, MYSQL_CLUSTER, type KindNames } from './names.js';
import { EACH_ITEM, toValidation, type CelRule } from './rules.js';
import { toStructuralSchema, type JsonSchema } from './structural.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

interface KindDefinition {
  names: KindNames;
  description: string;
  spec: z.ZodType;
  /** An omitted spec is defaulted to {} (every field has a default) when true. */
  specOptional: boolean;
  status: z.ZodType;
  rules: readonly CelRule[];
  columns: PrinterColumn[];
  scale?: { specReplicasPath: string; statusReplicasPath: string };
}

const AGE: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

export const CLUSTER_DEFINITION: KindDefinition = {
  names: MYSQL_CLUSTER,
  description: 'A MariaDB Galera cluster: members in a StatefulSet, a proxy that sends writes to one member, backups and crash recovery.',
  spec: mysqlClusterSpecSchema,
  specOptional: true,
  status: mysqlClusterStatusSchema,
  rules: mysqlClusterRules,
  columns: [
    { name: 'Ready', type: 'string', jsonPath: '.status.ready', description: 'Ready members / desired members.' },
    { name: 'Writer', type: 'string', jsonPath: '.status.writer', description: 'Member that receives writes.' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Short human status.' },
    AGE,
    { name: 'Proxy', type: 'string', jsonPath: '.spec.proxy.type', description: 'Proxy type.', priority: 1 },
    { name: 'Image', type: 'string', jsonPath: '.spec.image', description: 'Database image.', priority: 1 },
  ],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
};

export const BACKUP_DEFINITION: KindDefinition = {
  names: MYSQL_BACKUP,
  description: 'One backup of a MySQLCluster, requested by a person or created by a schedule.',
  spec: mysqlBackupSpecSchema,
  specOptional: false,
  status: mysqlBackupStatusSchema,
  rules: mysqlBackupRules,
  columns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.cluster', description: 'The MySQLCluster backed up.' },
    { name: 'Method', type: 'string', jsonPath: '.spec.method', description: 'physical or logical.' },
    { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Pending, Running, Succeeded or Failed.' },
    { name: 'Completed', type: 'date', jsonPath: '.status.completionTime', description: 'When the backup finished.' },
    AGE,
  ],
};

/** The schema node a rule's `at` points to, below `spec`. */
function nodeAt(spec: JsonSchema, at: readonly string[], rule: string): JsonSchema {
  let node = spec;
  for (const segment of at) {
    const next = segment === EACH_ITEM ? node.items : (node.properties as JsonSchema | undefined)?.[segment];
    if (next === undefined) throw new Error(`rule "${rule}" points to a field that does not exist: ${at.join('.')}`);
    node = next as JsonSchema;
  }
  return node;
}

function addRules(spec: JsonSchema, rules: readonly CelRule[]): void {
  for (const rule of rules) {
    const node = nodeAt(spec, rule.at, rule.rule);
    const existing = (node['x-kubernetes-validations'] as object[] | undefined) ?? [];
    node['x-kubernetes-validations'] = [...existing, toValidation(rule)];
  }
}

/** The openAPIV3Schema of a kind: apiVersion, kind, metadata, spec (with CEL rules), status. */
export function buildRootSchema(definition: KindDefinition): JsonSchema {
  const spec = toStructuralSchema(definition.spec, 'spec');
  if (definition.specOptional) spec.default = {};
  addRules(spec, definition.rules);
  return {
    type: 'object',
    description: definition.description,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'Versioned schema of this object; the API server converts it to its own.',
      },
      kind: { type: 'string', description: 'REST resource this object represents (CamelCase).' },
      // The API server owns metadata's schema and refuses anything but `type` here.
      metadata: { type: 'object' },
      spec,
      status: toStructuralSchema(definition.status, 'status'),
    },
    ...(definition.specOptional ? {} : { required: ['spec'] }),
  };
}

/** The CustomResourceDefinition object of a kind. */
export function buildCrd(definition: KindDefinition): JsonSchema {
  const { names } = definition;
  const subresources: JsonSchema = { status: {} };
  if (definition.scale) subresources.scale = definition.scale;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdName(names),
      labels: { 'app.kubernetes.io/name': 'galera-operator', 'app.kubernetes.io/part-of': 'galera-operator' },
    },
    spec: {
      group: API_GROUP,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: names.shortNames,
        categories: names.categories,
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION_NAME,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: buildRootSchema(definition) },
          subresources,
          additionalPrinterColumns: definition.columns,
        },
      ],
    },
  };
}
