import { backoffDelay, systemClock, type BackoffPolicy, type Clock } from './clock.js';

/** Observers for metrics; all optional so the queue stays usable on its own. */
export interface QueueObserver {
  added?(key: string): void;
  depth?(depth: number): void;
  retried?(key: string): void;
  /** Seconds the key waited between being queued and picked up. */
  waited?(seconds: number): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: BackoffPolicy;
  observer?: QueueObserver;
}

export const DEFAULT_RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 120_000 };

/**
 * A keyed work queue with the semantics controllers rely on:
 * - a key waiting to be processed is held once, however often it is added;
 * - a key is handed to one worker at a time; if it is added while being processed it is
 *   queued again (once) when that worker calls `done`;
 * - `addAfter` delays an add (the earliest pending delay wins); `addRateLimited` delays by
 *   an exponential per-key backoff that `forget` resets.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly queuedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; handle: unknown }>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly observer: QueueObserver;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? DEFAULT_RETRY_BACKOFF;
    this.observer = options.observer ?? {};
  }

  get length(): number {
    return this.queue.length;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.observer.added?.(key);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.handle);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, handle });
  }

  /** Re-adds after the key's backoff and counts one more failure. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = backoffDelay(failures, this.backoff);
    this.observer.retried?.(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the key's backoff (call after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the key processed; a key added meanwhile goes back into the queue. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
  }

  /** Stops handing out keys and drops pending delays; in-flight keys finish via `done`. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { handle } of this.delayed.values()) this.clock.clearTimeout(handle);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  get inFlight(): number {
    return this.processing.size;
  }

  private enqueue(key: string): void {
    this.queuedAt.set(key, this.clock.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(this.claim(key));
    } else {
      this.queue.push(key);
    }
    this.observer.depth?.(this.queue.length);
  }

  private take(): string | undefined {
    if (this.shuttingDown) return undefined;
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.observer.depth?.(this.queue.length);
    return this.claim(key);
  }

  private claim(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    const since = this.queuedAt.get(key);
    this.queuedAt.delete(key);
    if (since !== undefined) this.observer.waited?.((this.clock.now() - since) / 1000);
    return key;
  }
}
