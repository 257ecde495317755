import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { sleep } from './clock.js';
import { fromClientError, isConflict, isNotFound } from './errors.js';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  leaseName: string;
  /** Unique per process (pod name plus a random suffix is usual). */
  identity: string;
  log: Logger;
  leaseDurationMs?: number; // 15 s
  renewDeadlineMs?: number; // 10 s
  retryPeriodMs?: number; // 2 s
  onStartedLeading?: () => void;
  /** Called once when leadership ends for any reason other than `release()`. */
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
}

/** The decision part of an acquire/renew attempt; pure so it can be reasoned about alone. */
export function canTakeLease(spec: V1LeaseSpec | undefined, identity: string, observedAtMs: number, nowMs: number, defaultDurationMs: number): boolean {
  const holder = spec?.holderIdentity;
  if (!holder || holder === identity) return true;
  const durationMs = spec?.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : defaultDurationMs;
  // Expiry is judged by when *we* saw the record change, not by the holder's clock.
  return observedAtMs + durationMs <= nowMs;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lease request timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * coordination.k8s.io/v1 Lease leader election with client-go's timing model: try every
 * retry period; a leader that cannot renew within the renew deadline steps down; a lease not
 * renewed for its duration (as observed locally) may be taken; `release()` clears the holder
 * so a standby takes over at once.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly stopSignal = new AbortController();
  private leading = false;
  private observedRecord = '';
  private observedAt = 0;
  private lastLeader = '';
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  get identity(): string {
    return this.options.identity;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the lease. onStoppedLeading is not called. */
  async release(): Promise<void> {
    this.stopSignal.abort();
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await withTimeout(this.read(), this.renewDeadlineMs);
      if (lease?.spec?.holderIdentity !== this.identity) return;
      const now = new V1MicroTime(Date.now());
      const spec: V1LeaseSpec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
      await withTimeout(this.api.replaceNamespacedLease({ name: this.options.leaseName, namespace: this.options.namespace, body: { ...lease, spec } }), this.renewDeadlineMs);
      this.options.log.info({ lease: this.options.leaseName }, 'released leadership');
    } catch (err) {
      this.options.log.warn({ err: fromClientError(err) }, 'could not release the lease; it will expire');
    }
  }

  private async run(): Promise<void> {
    const signal = this.stopSignal.signal;
    while (!signal.aborted && !this.leading) {
      if (await this.attempt(this.retryPeriodMs)) break;
      await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.options.log.info({ lease: this.options.leaseName, identity: this.identity }, 'became leader');
    this.options.onStartedLeading?.();
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const budget = Math.max(1, this.renewDeadlineMs - (Date.now() - lastRenew));
      if (await this.attempt(Math.min(budget, this.retryPeriodMs * 2))) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew >= this.renewDeadlineMs || this.lastLeader !== this.identity) {
        this.leading = false;
        this.options.log.error({ lease: this.options.leaseName, leader: this.lastLeader }, 'lost leadership');
        this.options.onStoppedLeading?.();
        return;
      }
    }
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.options.leaseName, namespace: this.options.namespace });
    } catch (err) {
      const typed = fromClientError(err);
      if (isNotFound(typed)) return undefined;
      throw typed;
    }
  }

  /** One acquire-or-renew; true when we hold the lease afterwards. Never throws. */
  private async attempt(timeoutMs: number): Promise<boolean> {
    try {
      return await withTimeout(this.tryAcquireOrRenew(), timeoutMs);
    } catch (err) {
      const typed = fromClientError(err);
      if (!isConflict(typed)) this.options.log.warn({ err: typed }, 'lease update failed');
      return false;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, leaseName: name } = this.options;
    const now = Date.now();
    const fresh: V1LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.round(this.leaseDurationMs / 1000),
      acquireTime: new V1MicroTime(now),
      renewTime: new V1MicroTime(now),
      leaseTransitions: 0,
    };
    const lease = await this.read();
    if (!lease) {
      await this.api.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: fresh } });
      this.observe(this.identity);
      return true;
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${spec.leaseDurationSeconds ?? ''}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
      this.observe(spec.holderIdentity ?? '');
    }
    if (!canTakeLease(spec, this.identity, this.observedAt, now, this.leaseDurationMs)) return false;
    const renewing = spec.holderIdentity === this.identity;
    const next: V1LeaseSpec = renewing
      ? { ...spec, renewTime: fresh.renewTime, leaseDurationSeconds: fresh.leaseDurationSeconds }
      : { ...fresh, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    const updated = await this.api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: next } });
    this.observedRecord = `${updated.spec?.holderIdentity ?? ''}|${String(updated.spec?.renewTime ?? '')}|${updated.spec?.leaseDurationSeconds ?? ''}`;
    this.observedAt = now;
    this.observe(this.identity);
    return true;
  }

  private observe(leader: string): void {
    if (leader === this.lastLeader) return;
    this.lastLeader = leader;
    if (leader) this.options.onNewLeader?.(leader);
  }
}
