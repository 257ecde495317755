import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { backoffDelay, sleep, type BackoffPolicy } from './clock.js';
import { ApiError } from './errors.js';
import type { KubeRest, StreamHandle } from './rest.js';
import { apiVersionOf, describeRef, keyOf, objectKey, resourcePath, type ResourceRef } from './resources.js';

export type InformerEvent = 'add' | 'update' | 'delete';
export type InformerHandler<T> = (event: InformerEvent, obj: T, old?: T) => void;

export interface InformerOptions {
  resource: ResourceRef;
  log: Logger;
  /** Only this namespace (default: all). */
  namespace?: string;
  labelSelector?: string;
  /** Server-side watch timeout; a healthy watch ends and restarts this often. */
  watchTimeoutSeconds?: number;
  /** A watch with no event (bookmarks count) for this long is dropped and the cache relisted. */
  watchdogMs?: number;
  /** Delay between restarts after errors. */
  backoff?: BackoffPolicy;
  pageSize?: number;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubernetesObject & { code?: number; message?: string };
}

interface List<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface InformerStats {
  relists: number;
  watches: number;
  errors: number;
  watchdogFires: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };
/** A watch that ends sooner than this with no event is treated as a failure (no tight loops). */
const MIN_HEALTHY_WATCH_MS = 1_000;

/**
 * List+watch cache of one resource type that keeps itself alive: any error restarts it with
 * backoff, an expired resourceVersion (410) or a silent watch (watchdog) triggers a relist,
 * and a relist reports the differences as add/update/delete events.
 */
export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly resource: ResourceRef;
  readonly stats: InformerStats = { relists: 0, watches: 0, errors: 0, watchdogFires: 0 };
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly stopSignal = new AbortController();
  private readonly log: Logger;
  private readonly watchTimeoutSeconds: number;
  private readonly watchdogMs: number;
  private readonly backoff: BackoffPolicy;
  private resourceVersion = '';
  private synced = false;
  private loop: Promise<void> | undefined;
  private currentWatch: StreamHandle | undefined;
  private lastProgress = Date.now();

  constructor(
    private readonly rest: KubeRest,
    private readonly options: InformerOptions,
  ) {
    this.resource = options.resource;
    this.log = options.log.child({ informer: describeRef(options.resource) });
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 270 + Math.floor(Math.random() * 60);
    this.watchdogMs = options.watchdogMs ?? (this.watchTimeoutSeconds + 60) * 1000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  on(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.currentWatch?.abort();
    await this.loop;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** False when the loop has made no progress (list, event, clean watch end) for too long. */
  isHealthy(now = Date.now()): boolean {
    return now - this.lastProgress < this.watchdogMs + this.backoff.maxMs + 30_000;
  }

  async waitForSync(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.synced && Date.now() < deadline && !this.stopSignal.signal.aborted) await sleep(50, this.stopSignal.signal);
    return this.synced;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(objectKey(namespace, name));
  }

  /** Cached objects, optionally of one namespace and matching all given labels. */
  list(filter: { namespace?: string; labels?: Record<string, string> } = {}): T[] {
    const out: T[] = [];
    for (const obj of this.cache.values()) {
      if (filter.namespace !== undefined && obj.metadata?.namespace !== filter.namespace) continue;
      const labels = obj.metadata?.labels ?? {};
      if (filter.labels && !Object.entries(filter.labels).every(([k, v]) => labels[k] === v)) continue;
      out.push(obj);
    }
    return out;
  }

  private async run(): Promise<void> {
    let failures = 0;
    const signal = this.stopSignal.signal;
    while (!signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist();
        const healthy = await this.watchOnce();
        failures = healthy ? 0 : failures + 1;
        if (!healthy) await sleep(backoffDelay(failures - 1, this.backoff), signal);
      } catch (err) {
        if (signal.aborted) break;
        this.stats.errors++;
        if (err instanceof ApiError && err.statusCode === 410) {
          this.resourceVersion = '';
        }
        const delay = backoffDelay(failures++, this.backoff);
        this.log.warn({ err, retryInMs: delay }, 'list/watch failed; restarting');
        await sleep(delay, signal);
      }
    }
  }

  private path(): string {
    return resourcePath(this.resource, this.options.namespace);
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page: List<T> = await this.rest.get<List<T>>(this.path(), {
        labelSelector: this.options.labelSelector,
        limit: this.options.pageSize ?? 500,
        continue: continueToken,
      });
      items.push(...page.items);
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (continueToken && !this.stopSignal.signal.aborted);
    this.replaceAll(items.map((item) => this.withTypeMeta(item)));
    this.resourceVersion = resourceVersion;
    this.synced = true;
    this.stats.relists++;
    this.lastProgress = Date.now();
  }

  /** Items of a list carry no apiVersion/kind; the rest of the runtime wants them. */
  private withTypeMeta(obj: T): T {
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: apiVersionOf(this.resource), kind: this.resource.kind };
  }

  private replaceAll(items: T[]): void {
    const fresh = new Map(items.map((item) => [keyOf(item), item]));
    for (const [key, old] of this.cache) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.emit('delete', old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj, old);
    }
  }

  /** One watch until it ends. Returns false when it ended too soon to count as healthy. */
  private async watchOnce(): Promise<boolean> {
    const started = Date.now();
    let events = 0;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = (handle: StreamHandle) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        this.stats.watchdogFires++;
        this.log.warn({ silentMs: this.watchdogMs }, 'watch silent too long; relisting');
        this.resourceVersion = '';
        handle.abort();
      }, this.watchdogMs);
    };
    const handle = await this.rest.stream(
      this.path(),
      {
        watch: 1,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.watchTimeoutSeconds,
        labelSelector: this.options.labelSelector,
      },
      (line) => {
        events++;
        this.lastProgress = Date.now();
        arm(handle);
        this.apply(line as WatchEvent);
      },
    );
    this.currentWatch = handle;
    this.stats.watches++;
    if (this.stopSignal.signal.aborted) handle.abort();
    arm(handle);
    try {
      await handle.done;
    } finally {
      clearTimeout(watchdog);
      this.currentWatch = undefined;
    }
    this.lastProgress = Date.now();
    return events > 0 || Date.now() - started >= MIN_HEALTHY_WATCH_MS;
  }

  private apply(event: WatchEvent): void {
    const obj = event.object as T;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const key = keyOf(obj);
        const old = this.cache.get(key);
        this.cache.set(key, obj);
        this.emit(old ? 'update' : 'add', obj, old);
        break;
      }
      case 'DELETED': {
        const key = keyOf(obj);
        this.cache.delete(key);
        this.emit('delete', obj);
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        // Typically 410 Gone (resourceVersion too old); the server then ends the stream.
        if (event.object.code === 410) this.resourceVersion = '';
        else this.log.warn({ status: event.object }, 'watch error event');
        return;
      }
    }
    this.resourceVersion = obj.metadata?.resourceVersion ?? this.resourceVersion;
  }

  private emit(event: InformerEvent, obj: T, old?: T): void {
    for (const handler of this.handlers) {
      try {
        handler(event, obj, old);
      } catch (err) {
        this.log.error({ err, event }, 'informer handler failed');
      }
    }
  }
}
