/**
 * MySQLCluster status, written only by the operator. States and phases are plain strings (the
 * operator documents their values) so that it can evolve without a schema change; the shapes
 * are fixed so that `kubectl get -o yaml` and scripts can rely on them.
 */
import { z } from 'zod';
import { condition, int32, int64, listMap, timestamp } from './kube-types.js';

const member = z.object({
  name: z.string().describe('Pod name of the member, e.g. shop-0.'),
  state: z
    .string()
    .describe('Galera state (Synced, Donor/Desynced, Joining, Joined) while mariadbd runs, else the lifecycle state (Initializing, Recovering, Waiting, Starting, Failed, Missing).'),
  seqno: int64().describe('Last committed Galera seqno known for the member; -1 when unknown.'),
  ready: z.boolean().describe('The member is Primary and Synced and serves clients.'),
  writer: z.boolean().optional().describe('The proxy sends writes to this member.'),
  address: z.string().optional().describe('Pod IP of the member.'),
});

const reportedPosition = z.object({
  member: z.string().describe('Pod name of the member that reported.'),
  uuid: z.string().describe('Galera cluster (state) UUID in the member\'s data directory.'),
  seqno: int64().describe('Recovered seqno; -1 when unknown.'),
  safeToBootstrap: z.boolean().describe('grastate.dat safe_to_bootstrap: the member stopped last, gracefully.'),
  datadirEmpty: z.boolean().describe('The data directory holds no data (never a bootstrap source).'),
  sstInterrupted: z.boolean().describe('An SST into this member did not finish (its data cannot be trusted).'),
});

const recovery = z.object({
  generation: int64()
    .min(0)
    .describe('Counts full-outage recoveries; an instruction to a member carries it, so a stale one is refused.'),
  kind: z
    .string()
    .optional()
    .describe('What is being recovered from: FirstBootstrap, FullCrash, QuorumLoss, or Adopted (a running cluster found with no record).'),
  phase: z
    .string()
    .describe('Where the recovery is, e.g. Collecting, Bootstrapping, Joining, Done, Stalled, WaitingForPerson.'),
  chosenBy: z.string().optional().describe('Who chose the source: operator (automatic) or person (spec.recovery.bootstrapFrom).'),
  reason: z.string().optional().describe('The condition reason of the current step (see the README troubleshooting table).'),
  source: z.string().optional().describe('The member chosen to bootstrap from.'),
  message: z.string().optional().describe('Why the recovery is where it is, e.g. which member it waits for.'),
  startTime: timestamp().optional().describe('When this recovery started.'),
  reported: z
    .array(reportedPosition)
    .meta(listMap('member'))
    .optional()
    .describe('What each member reported about its data while stopped.'),
});

const bootstrap = z.object({
  generation: int64().min(0).describe('The generation that the bootstrap instruction carried.'),
  source: z.string().describe('The member that bootstrapped (started the new cluster).'),
  completed: z.boolean().describe('The source became Primary and the bootstrap marker was removed.'),
});

const restore = z.object({
  backup: z.string().describe('The MySQLBackup being restored (spec.bootstrapFrom.backupName).'),
  phase: z
    .enum(['Waiting', 'Running', 'Succeeded', 'Failed'])
    .describe('Waiting (for the backup or for the writer), Running (the restore Job loads it), Succeeded or Failed.'),
  message: z.string().optional().describe('What the restore waits for, or why it failed.'),
  completionTime: timestamp().optional().describe('When the restore finished.'),
});

const rollout = z.object({
  revision: z.string().describe('The member configuration (pod template) revision being rolled out.'),
  member: z.string().optional().describe('The member being restarted now, if any: the proxies treat it as drained until its new pod is up.'),
  phase: z
    .string()
    .optional()
    .describe('Where the restart of that member is: Draining, Restarting, WaitingSynced, Returning (Synced; the proxies are taking it back), or Blocked (it does not come back; see the RollingUpdate condition).'),
  message: z.string().optional().describe('Why the rollout is where it is.'),
  since: timestamp().optional().describe('When the current member\'s step began.'),
  updated: int32().min(0).optional().describe('Members already running the new revision.'),
});

const scheduleStatus = z.object({
  name: z.string().describe('Name of the schedule in spec.backup.schedules.'),
  lastRun: timestamp().optional().describe('When the schedule last created a MySQLBackup.'),
  nextRun: timestamp().optional().describe('When the schedule runs next.'),
});

const backup = z.object({
  lastSuccessful: z.string().optional().describe('Name of the latest Succeeded MySQLBackup of this cluster.'),
  lastSuccessfulTime: timestamp().optional().describe('When that backup completed.'),
  nextRun: timestamp().optional().describe('The next scheduled backup of any schedule.'),
  schedules: z
    .array(scheduleStatus)
    .meta(listMap('name'))
    .optional()
    .describe('Per-schedule bookkeeping.'),
});

export const mysqlClusterStatusSchema = z
  .object({
    observedGeneration: int64().min(0).optional().describe('The metadata.generation this status describes.'),
    phase: z
      .string()
      .optional()
      .describe('Short human status shown by kubectl get, e.g. Creating, Running, Degraded, Recovering, Paused, Failed.'),
    replicas: int32().min(0).optional().describe('Member pods that exist.'),
    readyReplicas: int32().min(0).optional().describe('Members that are Primary and Synced.'),
    ready: z.string().optional().describe('readyReplicas/spec.replicas, e.g. "3/3" (the READY column).'),
    writer: z.string().optional().describe('Pod name of the member that receives writes through the proxy.'),
    clusterUUID: z
      .string()
      .optional()
      .describe('The Galera cluster UUID recorded at the first bootstrap; recovery only trusts members that carry it.'),
    members: z.array(member).meta(listMap('name')).optional().describe('Every member, in pod order.'),
    conditions: z
      .array(condition())
      .meta(listMap('type'))
      .optional()
      .describe('Ready, GaleraReady, ProxyReady, Recovering, RecoveryStalled and others, with reasons listed in the README.'),
    recovery: recovery.optional().describe('The latest full-outage recovery.'),
    rollout: rollout.optional().describe('A rolling change in progress: members restarted one at a time, writer last.'),
    bootstrap: bootstrap.optional().describe('The first bootstrap of the cluster (or its restore from spec.bootstrapFrom).'),
    backup: backup.optional().describe('Scheduled backups.'),
    restore: restore.optional().describe('The restore of spec.bootstrapFrom into this new cluster; the cluster is Ready only after it.'),
  })
  .describe('Observed state of the cluster, written by the operator.');

export type MySQLClusterStatus = z.output<typeof mysqlClusterStatusSchema>;
export type MemberStatus = NonNullable<MySQLClusterStatus['members']>[number];
export type ClusterCondition = NonNullable<MySQLClusterStatus['conditions']>[number];
export type RecoveryStatus = NonNullable<MySQLClusterStatus['recovery']>;
export type ReportedPosition = NonNullable<RecoveryStatus['reported']>[number];
export type BootstrapStatus = NonNullable<MySQLClusterStatus['bootstrap']>;
export type BackupStatus = NonNullable<MySQLClusterStatus['backup']>;
export type RolloutStatus = NonNullable<MySQLClusterStatus['rollout']>;
export type RestoreStatus = NonNullable<MySQLClusterStatus['restore']>;
