import {
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
  makeInformer,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * A list+watch cache of one resource kind that survives API server restarts: the client's
 * informer stops on any error, so this restarts it with exponential backoff.
 * `onChange` is called after every add/update/delete and after each (re)list.
 */
export class WatchedCollection<T extends KubernetesObject> {
  private readonly informer;
  private stopped = true;
  private connecting = false;
  private attemptFailed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private syncWaiters: Array<() => void> = [];

  constructor(
    kc: KubeConfig,
    private readonly path: string,
    list: ListPromise<T>,
    private readonly log: Logger,
    onChange: (obj: T, event: 'add' | 'update' | 'delete') => void,
  ) {
    this.informer = makeInformer<T>(kc, path, list);
    this.informer.on('add', (obj) => onChange(obj, 'add'));
    this.informer.on('update', (obj) => onChange(obj, 'update'));
    this.informer.on('delete', (obj) => onChange(obj, 'delete'));
    this.informer.on('error', (err) => this.onError(err));
  }

  /** Resolves once the first full list has been loaded (retrying until then). */
  async start(): Promise<void> {
    this.stopped = false;
    void this.connect();
    if (this.synced) return;
    await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.informer.stop();
    // Let start() callers return instead of waiting forever.
    this.releaseWaiters();
  }

  list(): readonly T[] {
    return this.informer.list();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    this.attemptFailed = false;
    try {
      await this.informer.start();
    } catch (err) {
      this.attemptFailed = true;
      this.log.warn({ path: this.path, err: errorMessage(err) }, 'watch could not start');
    } finally {
      this.connecting = false;
    }
    if (this.stopped) return;
    if (this.attemptFailed) {
      this.scheduleRetry();
      return;
    }
    this.failures = 0;
    this.synced = true;
    this.releaseWaiters();
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    if (this.connecting) {
      this.attemptFailed = true;
      this.log.warn({ path: this.path, err: errorMessage(err) }, 'list/watch failed');
      return;
    }
    this.log.info({ path: this.path, err: errorMessage(err) }, 'watch ended, restarting');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private releaseWaiters(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
