/**
 * MySQLCluster spec: the one definition of its fields, descriptions and defaults. Every field
 * ends in `.describe()` (it becomes `kubectl explain`; the generator appends scalar defaults);
 * sections a beginner need not write default to `{}` so their own defaults apply.
 */
import { z } from 'zod';
import {
  dnsLabel,
  dnsSubdomain,
  int32,
  listMap,
  PRESERVE_UNKNOWN,
  quantityString,
  resourceRequirements,
  stringMap,
  topologySpreadConstraint,
  toleration,
} from './kube-types.js';

export const DEFAULT_IMAGE = 'mariadb:10.11';
/** Enough to try the operator; set it for real data (it may grow later, never shrink). */
export const DEFAULT_STORAGE_SIZE = '1Gi';
export const DEFAULT_BACKUP_VOLUME_SIZE = '2Gi';
/** Longest schedule name: leaves room for `<cluster>-<schedule>-<timestamp>` backup names. */
export const MAX_SCHEDULE_NAME = 40;
export const MAX_SCHEDULES = 16;

/** A MariaDB identifier the operator can quote safely. */
const sqlIdentifier = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_]+$/);

const storage = z
  .object({
    size: quantityString()
      .default(DEFAULT_STORAGE_SIZE)
      .describe(
        "Size of each member's data volume (PersistentVolumeClaim), e.g. 10Gi. May grow, never shrink.",
      ),
    storageClassName: z
      .string()
      .max(253)
      .optional()
      .describe("StorageClass of the data volumes; unset uses the cluster's default class. Fixed after creation."),
    deleteWithCluster: z
      .boolean()
      .default(false)
      .describe('Delete the data volumes when the MySQLCluster is deleted. Otherwise the volumes (and the data) stay.'),
  })
  .prefault({})
  .describe('Persistent storage of the database members.');

const galera = z
  .object({
    providerOptions: stringMap()
      .default({})
      .describe(
        'Extra wsrep_provider_options, e.g. {"gcache.size": "512M"}. The operator owns addresses and failure-detection timeouts; values here are added to its own.',
      ),
  })
  .prefault({})
  .describe('Galera replication settings.');

const app = z
  .object({
    database: sqlIdentifier(64)
      .default('app')
      .describe('Database created for the application on first bootstrap.'),
    username: sqlIdentifier(80)
      .default('app')
      .describe('Application user created on first bootstrap, with all privileges on the database.'),
  })
  .prefault({})
  .describe('The application database and user, created on first bootstrap; credentials are in the Secret <name>-credentials.');

const scheduling = z
  .object({
    antiAffinity: z
      .enum(['preferred', 'required', 'none'])
      .default('preferred')
      .describe(
        'Keep members on different nodes (by topologyKey): preferred (default) spreads when possible, required refuses to co-locate, none does not care. Ignored when affinity is set.',
      ),
    topologyKey: z
      .string()
      .min(1)
      .max(316)
      .default('kubernetes.io/hostname')
      .describe('Node label that antiAffinity spreads members across.'),
    nodeSelector: stringMap()
      .optional()
      .describe('Node labels a member pod requires, e.g. {disktype: ssd}.'),
    tolerations: z.array(toleration()).max(64).optional().describe('Taints the member pods tolerate.'),
    affinity: z
      .looseObject({})
      .meta(PRESERVE_UNKNOWN)
      .optional()
      .describe('A full Kubernetes affinity (corev1.Affinity) for the member pods; when set it replaces the one built from antiAffinity.'),
    priorityClassName: z
      .string()
      .max(253)
      .optional()
      .describe('PriorityClass of the member pods, so that they are not the first to be preempted.'),
    topologySpreadConstraints: z
      .array(topologySpreadConstraint())
      .max(16)
      .optional()
      .describe('Topology spread constraints of the member pods; labelSelector defaults to the pods of this cluster.'),
  })
  .prefault({})
  .describe('Where the member pods may run.');

const podDisruptionBudget = z
  .object({
    maxUnavailable: int32()
      .min(0)
      .default(1)
      .describe('Members that voluntary disruptions (node drains) may take down at once; 0 blocks drains.'),
  })
  .prefault({})
  .describe('The PodDisruptionBudget of the members.');

const proxyService = z
  .object({
    type: z
      .enum(['ClusterIP', 'NodePort', 'LoadBalancer'])
      .default('ClusterIP')
      .describe('Service type of <name>-proxy.'),
    annotations: stringMap().optional().describe('Annotations of the Service, e.g. for a cloud load balancer.'),
  })
  .prefault({})
  .describe('The Service <name>-proxy: port 3306 read/write (one writer), 3307 read-only.');

const proxy = z
  .object({
    type: z
      .enum(['proxysql', 'haproxy', 'none'])
      .default('proxysql')
      .describe(
        'The proxy in front of the members that sends all writes to one member: proxysql (default; also splits reads), haproxy, or none (clients connect to members themselves).',
      ),
    replicas: int32()
      .min(0)
      .default(2)
      .describe('Number of proxy pods; at least 1 unless type is none (then it is ignored).'),
    resources: resourceRequirements().optional().describe('CPU and memory requests/limits of each proxy pod.'),
    service: proxyService,
  })
  .prefault({})
  .describe('The proxy that gives clients one address for writes and one for reads.');

const backupSchedule = z.object({
  name: dnsLabel(MAX_SCHEDULE_NAME).describe('Name of the schedule, unique in the cluster; part of the MySQLBackup names it creates.'),
  schedule: z
    .string()
    .max(100)
    .describe('When to run, as a 5-field cron expression (minute hour day-of-month month day-of-week) in UTC, e.g. "0 3 * * *".'),
  method: z
    .enum(['physical', 'logical'])
    .default('physical')
    .describe('physical (mariadb-backup, default; fast restore) or logical (mariadb-dump, portable SQL).'),
  keep: int32()
    .min(1)
    .max(1000)
    .default(7)
    .describe('How many successful backups of this schedule to keep; older ones are deleted.'),
  suspend: z.boolean().default(false).describe('Stop creating new backups for this schedule, keeping the existing ones.'),
});

const backup = z
  .object({
    storage: z
      .object({
        volume: z
          .object({
            size: quantityString()
              .default(DEFAULT_BACKUP_VOLUME_SIZE)
              .describe('Size of the backup volume.'),
            storageClassName: z
              .string()
              .max(253)
              .optional()
              .describe("StorageClass of the backup volume; unset uses the cluster's default class."),
          })
          .prefault({})
          .describe('A PersistentVolumeClaim <name>-backups that holds the backups.'),
      })
      .prefault({})
      .describe('Where backups are written.'),
    schedules: z
      .array(backupSchedule)
      .max(MAX_SCHEDULES)
      .meta(listMap('name'))
      .default([])
      .describe('Backup schedules; each run creates a MySQLBackup object.'),
  })
  .prefault({})
  .describe('Scheduled backups. A single backup is requested by creating a MySQLBackup.');

const bootstrapFrom = z.object({
  backupName: dnsSubdomain().describe('Name of a Succeeded MySQLBackup in this namespace to restore.'),
});

const recovery = z
  .object({
    automatic: z
      .boolean()
      .default(true)
      .describe(
        'Recover from a full outage by itself (bootstrap the most advanced member, then rejoin the others). false: report the members\' positions in status.recovery and wait for a person.',
      ),
    bootstrapFrom: dnsLabel()
      .optional()
      .describe(
        'A person\'s choice of the member (pod name, e.g. shop-1) to bootstrap the next full-outage recovery from, overriding the automatic choice. Used once (recorded in status.recovery), then the operator clears it.',
      ),
  })
  .prefault({})
  .describe('What happens after every member has stopped (a full outage).');

export const mysqlClusterSpecSchema = z
  .object({
    replicas: int32()
      .min(1)
      .default(3)
      .describe('Number of database members. Odd (1, 3, 5, …) so that a majority survives a split; 1 is for development.'),
    allowEvenReplicas: z
      .boolean()
      .default(false)
      .describe('Allow an even number of replicas, which can lose quorum when the members split in halves.'),
    image: z
      .string()
      .min(1)
      .max(512)
      .default(DEFAULT_IMAGE)
      .describe('Database image (MariaDB with Galera). Changing it restarts the members one by one.'),
    sst: z
      .enum(['mariabackup', 'rsync'])
      .default('mariabackup')
      .describe('How a joining member copies the full data set (SST): mariabackup (default; the donor keeps serving) or rsync (faster, blocks the donor).'),
    storage,
    resources: resourceRequirements()
      .optional()
      .describe('CPU and memory requests/limits of the database container (mariadb), e.g. {requests: {memory: 1Gi}}.'),
    config: z
      .string()
      .max(65536)
      .default('')
      .describe('Extra [mysqld] settings appended to the generated my.cnf, one per line, e.g. "max_connections = 500".'),
    galera,
    app,
    scheduling,
    podDisruptionBudget,
    proxy,
    backup,
    bootstrapFrom: bootstrapFrom
      .optional()
      .describe('Create the cluster from a backup instead of empty. Only at creation: it cannot be added, changed or removed later.'),
    recovery,
    paused: z
      .boolean()
      .default(false)
      .describe('Stop changing anything for this cluster (status is still reported); for maintenance by hand.'),
  })
  .describe('Desired state of the MariaDB Galera cluster.');

export type MySQLClusterSpec = z.output<typeof mysqlClusterSpecSchema>;
/** A spec as people write it: everything with a default may be left out. */
export type MySQLClusterSpecInput = z.input<typeof mysqlClusterSpecSchema>;
