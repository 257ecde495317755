/**
 * The HTTP plumbing both in-pod agents share (the Galera member's sidecar and the proxy pod's
 * agent): JSON replies, a bounded body, a deadline on every handler, errors mapped to status
 * codes, and a process runner that listens on the pod IP and stops on SIGTERM.
 */
import http from 'node:http';
import type { Logger } from 'pino';

export interface Reply {
  status: number;
  body: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request body parsed as JSON; 413 past `maxBytes`, 400 when it is not JSON. */
export function readJsonBody(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(503, `handler took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs tasks one at a time, in call order (a failed task does not stop the next). */
export function serializer(): <T>(work: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };
}

export interface JsonServerOptions {
  route(req: http.IncomingMessage): Promise<Reply>;
  handlerTimeoutMs: number;
  log: Logger;
  /** Put an unexpected error's message in the 500 reply (default: a generic text). */
  exposeErrors?: boolean;
}

export function createJsonServer(options: JsonServerOptions): http.Server {
  const server = http.createServer((req, res) => {
    withTimeout(options.route(req), options.handlerTimeoutMs)
      .catch((err: unknown): Reply => {
        if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
        options.log.error({ err: (err as Error).message }, 'handler failed');
        return { status: 500, body: { error: options.exposeErrors ? (err as Error).message : 'internal error' } };
      })
      .then((reply) => {
        if (res.headersSent) return;
        res.writeHead(reply.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(reply.body));
      });
  });
  server.requestTimeout = options.handlerTimeoutMs + 2000;
  server.headersTimeout = options.handlerTimeoutMs + 1000;
  server.keepAliveTimeout = 5000;
  return server;
}

/** Listens on `host:port` (never a wildcard: the settings check that) and stops on SIGTERM/SIGINT. */
export function runAgent(log: Logger, start: () => { server: http.Server; host: string; port: number; fields: Record<string, unknown> }): void {
  try {
    const { server, host, port, fields } = start();
    server.on('error', (err) => {
      log.fatal({ err: err.message }, 'server error');
      process.exit(1);
    });
    server.listen(port, host, () => log.info({ ...fields, address: `${host}:${port}` }, 'agent listening'));
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping');
      server.close(() => process.exit(0));
      server.closeAllConnections();
      setTimeout(() => process.exit(0), 2000).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'cannot start');
    process.exit(1);
  }
}
