import { pino, type DestinationStream, type Logger } from 'pino';
import { redactSecrets, redactText } from './runtime/redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Defaults to LOG_LEVEL or 'info'. */
  level?: string;
  /** Where JSON lines go; stdout by default (tests pass a stream). */
  destination?: DestinationStream;
}

/**
 * A JSON-lines logger whose every logged object and child binding passes through
 * `redactSecrets`, so a password handed to the logger by mistake is never written.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const config = {
    name,
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: (err: unknown) => redactSecrets(err) },
    hooks: {
      // Free-text messages get the same scrubbing as structured fields.
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, withRedactedMessage(args));
      },
    },
    formatters: {
      level: (label: string) => ({ level: label }),
      bindings: (bindings: Record<string, unknown>) => redactSecrets(bindings) as Record<string, unknown>,
      log: (object: Record<string, unknown>) => redactSecrets(object) as Record<string, unknown>,
    },
  };
  const logger = options.destination ? pino(config, options.destination) : pino(config);
  // Child bindings bypass the formatters: scrub them on the way in. Children inherit this
  // override through their prototype, so `this` is always the logger being extended.
  const pinoChild = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactSecrets(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}

/** Pino takes the message from an error when none is given; give it a scrubbed one instead. */
function withRedactedMessage(args: unknown[]): unknown[] {
  const out = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
  const [first, second] = out;
  if (typeof second === 'string') return out;
  const err = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
  if (err instanceof Error) out.splice(1, 0, redactText(err.message));
  return out;
}
