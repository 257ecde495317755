import type { Logger } from 'pino';
import { splitKey } from './resources.js';
import type { WorkQueue } from './workqueue.js';

export interface ReconcileRequest {
  key: string;
  namespace: string;
  name: string;
}

export interface ReconcileResult {
  /** Reconcile this key again after so many milliseconds (e.g. to poll a slow change). */
  requeueAfter?: number;
}

export interface ReconcileContext {
  log: Logger;
  /** Aborted when shutdown's grace period runs out; long waits should honour it. */
  signal: AbortSignal;
}

export type ReconcileFn = (request: ReconcileRequest, context: ReconcileContext) => Promise<ReconcileResult | void>;

export type ReconcileOutcome = 'success' | 'error' | 'requeue_after';

export interface ControllerObserver {
  reconciled?(controller: string, outcome: ReconcileOutcome, seconds: number): void;
  activeWorkers?(controller: string, count: number): void;
}

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  reconcile: ReconcileFn;
  log: Logger;
  concurrency?: number;
  observer?: ControllerObserver;
}

/**
 * Runs `concurrency` workers over the queue. Errors are retried with the queue's per-key
 * backoff; success resets it; `requeueAfter` schedules the next run.
 */
export class Controller {
  readonly name: string;
  private readonly workers: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private active = 0;

  constructor(private readonly options: ControllerOptions) {
    this.name = options.name;
  }

  get started(): boolean {
    return this.workers.length > 0;
  }

  start(): void {
    if (this.started) return;
    const count = Math.max(1, this.options.concurrency ?? 2);
    for (let i = 0; i < count; i++) this.workers.push(this.work());
  }

  /** Stops handing out work and waits up to `graceMs` for in-flight reconciles; true if they all ended. */
  async stop(graceMs: number): Promise<boolean> {
    this.options.queue.shutDown();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const finished = Promise.all(this.workers).then(() => true as const);
    const result = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (!result) this.abort.abort();
    return result;
  }

  private async work(): Promise<void> {
    const { queue } = this.options;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const { queue, reconcile, observer, log } = this.options;
    const { namespace, name } = splitKey(key);
    const keyLog = log.child({ controller: this.name, key });
    const started = performance.now();
    this.setActive(+1);
    let outcome: ReconcileOutcome = 'success';
    try {
      const result = await reconcile({ key, namespace, name }, { log: keyLog, signal: this.abort.signal });
      queue.forget(key);
      if (result?.requeueAfter !== undefined && result.requeueAfter >= 0) {
        outcome = 'requeue_after';
        queue.addAfter(key, result.requeueAfter);
      }
    } catch (err) {
      outcome = 'error';
      const delay = queue.addRateLimited(key);
      keyLog.error({ err, retryInMs: delay, retries: queue.numRequeues(key) }, 'reconcile failed');
    } finally {
      this.setActive(-1);
      observer?.reconciled?.(this.name, outcome, (performance.now() - started) / 1000);
    }
  }

  private setActive(delta: number): void {
    this.active += delta;
    this.options.observer?.activeWorkers?.(this.name, this.active);
  }
}
