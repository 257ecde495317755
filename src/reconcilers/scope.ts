/**
 * What one reconcile of one MySQLCluster works with: the object read from the cache, its
 * parsed spec, a status draft that phases fill in, and the operator's clients.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { MySQLCluster, MySQLClusterSpec, MySQLClusterStatus } from '../crd/mysqlcluster.js';
import { setCondition, withControllerReference, type ConditionInput, type Manager } from '../runtime/index.js';
import type { ClusterRef } from './builders/galera-objects.js';
import type { ObservedMember } from './phases/galera-observe.js';
import { MYSQL_CLUSTER_RESOURCE } from './resources.js';

export interface OperatorSettings {
  /** The operator's own image; member pods run their sidecar from it. */
  operatorImage: string;
}

export type PhaseOutcome = 'continue' | 'stop';

export interface Phase {
  name: string;
  run(scope: Scope): Promise<PhaseOutcome>;
}

export class Scope {
  readonly ref: ClusterRef;
  /** Set by the validate phase; later phases may rely on it. */
  spec!: MySQLClusterSpec;
  /** The status to write at the end; starts as the observed one. */
  status: MySQLClusterStatus;
  /** Decoded credentials, set by the credentials phase. */
  credentials: Record<string, string> = {};
  /** Set by the galera phase: what each expected member reported. */
  members: ObservedMember[] = [];
  private requeueMs: number | undefined;

  constructor(
    readonly manager: Manager,
    readonly cluster: MySQLCluster,
    readonly settings: OperatorSettings,
    readonly log: Logger,
  ) {
    this.ref = { name: cluster.metadata.name!, namespace: cluster.metadata.namespace! };
    this.status = structuredClone(cluster.status ?? {});
  }

  get generation(): number {
    return this.cluster.metadata.generation ?? 0;
  }

  /** Ask for another reconcile within `ms` (the shortest request wins). */
  requeue(ms: number): void {
    this.requeueMs = this.requeueMs === undefined ? ms : Math.min(this.requeueMs, ms);
  }

  get requeueAfter(): number | undefined {
    return this.requeueMs;
  }

  condition(input: Omit<ConditionInput, 'observedGeneration'>): void {
    this.status.conditions = setCondition(this.status.conditions as never, { ...input, observedGeneration: this.generation });
  }

  /** Server-side apply of an object this cluster owns (controller reference added). */
  apply<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.manager.apply(withControllerReference(obj, this.cluster));
  }

  /** Writes the status draft now (only if it differs from what the API server has). */
  async writeStatus(): Promise<void> {
    await this.manager.statusWriter(MYSQL_CLUSTER_RESOURCE).write(this.cluster, this.status as Record<string, unknown>);
  }

  event(type: 'Normal' | 'Warning', reason: string, note: string, action = reason): void {
    void this.manager.events.emit(this.cluster, { type, reason, action, note }).catch((err: unknown) => {
      this.log.warn({ err }, 'could not record an event');
    });
  }
}
