/** The MySQLBackup kind: one backup of a MySQLCluster, requested by a person or a schedule. */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { z } from 'zod';
import { dnsLabel, int64, timestamp } from './kube-types.js';
import { API_VERSION, MYSQL_BACKUP } from './names.js';
import { celRule, type CelRule } from './rules.js';
import { checkSpecUpdate, parseSpec, type SpecResult } from './spec-parsing.js';
import { isDeepStrictEqual } from 'node:util';

export const mysqlBackupSpecSchema = z
  .object({
    cluster: dnsLabel().describe('Name of the MySQLCluster to back up, in the same namespace.'),
    method: z
      .enum(['physical', 'logical'])
      .default('physical')
      .describe('physical (mariadb-backup, default; fast restore) or logical (mariadb-dump, portable SQL).'),
  })
  .describe('Which cluster to back up and how. Fixed once created.');

export const BACKUP_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;

export const mysqlBackupStatusSchema = z
  .object({
    phase: z
      .enum(BACKUP_PHASES)
      .optional()
      .describe('Pending (waiting to start), Running, Succeeded or Failed.'),
    startTime: timestamp().optional().describe('When the backup started.'),
    completionTime: timestamp().optional().describe('When the backup finished (Succeeded or Failed).'),
    member: z.string().optional().describe('Pod name of the member the backup was taken from (not the writer when avoidable).'),
    location: z
      .string()
      .optional()
      .describe('Where the backup is stored, e.g. pvc://shop-backups/shop-nightly-20261127030000.'),
    sizeBytes: int64().min(0).optional().describe('Size of the stored backup in bytes.'),
    message: z.string().optional().describe('What happened, e.g. why the backup failed.'),
    observedGeneration: int64().min(0).optional().describe('The metadata.generation this status describes.'),
  })
  .describe('Progress and result of the backup, written by the operator.');

export type MySQLBackupSpec = z.output<typeof mysqlBackupSpecSchema>;
export type MySQLBackupSpecInput = z.input<typeof mysqlBackupSpecSchema>;
export type MySQLBackupStatus = z.output<typeof mysqlBackupStatusSchema>;
export type BackupPhase = (typeof BACKUP_PHASES)[number];

export interface MySQLBackup {
  apiVersion: typeof API_VERSION;
  kind: typeof MYSQL_BACKUP.kind;
  metadata: V1ObjectMeta;
  spec: MySQLBackupSpec;
  status?: MySQLBackupStatus;
}

export const mysqlBackupRules: readonly CelRule[] = [
  celRule<MySQLBackupSpec>({
    at: [],
    rule: 'self == oldSelf',
    reason: 'FieldValueForbidden',
    message: 'a MySQLBackup cannot be changed once created; create a new MySQLBackup instead',
    transition: true,
    holds: (spec, old) => isDeepStrictEqual(spec, old),
  }),
];

/** Defaults applied and every rule checked, or the list of what is wrong. */
export function parseBackupSpec(spec: unknown): SpecResult<MySQLBackupSpec> {
  return parseSpec(mysqlBackupSpecSchema, mysqlBackupRules, spec);
}

export function validateBackupSpecUpdate(oldSpec: MySQLBackupSpec, newSpec: MySQLBackupSpec): string[] {
  return checkSpecUpdate(mysqlBackupRules, oldSpec, newSpec);
}
