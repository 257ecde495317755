import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { apiErrorFrom } from './errors.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** Resolve with the response body as text (e.g. pod logs) instead of parsed JSON. */
  text?: boolean;
}

export interface StreamHandle {
  /** Resolves when the stream ends (server closed it); rejects on a transport or HTTP error. */
  done: Promise<void>;
  /** Ends the stream from our side; `done` then resolves. */
  abort(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Plain-JSON REST calls to the API server with the kubeconfig's credentials (client certs,
 * tokens, exec plugins: all applied by client-node). Used where the typed clients get in
 * the way: generic list/watch of any resource and subresource patches, with our own timeouts.
 */
export class KubeRest {
  private agent: http.Agent | undefined;

  constructor(readonly kubeConfig: KubeConfig) {}

  /**
   * client-node builds a fresh agent (a new TLS handshake) per request; we keep one
   * keep-alive agent with the same TLS material. Credentials in headers are still applied
   * per request, so refreshed tokens are picked up. Proxy agents are used as given.
   */
  private agentFor(options: https.RequestOptions, proxied: boolean, plain: boolean): http.Agent | undefined {
    if (proxied) return options.agent instanceof http.Agent ? options.agent : undefined;
    this.agent ??= plain
      ? new http.Agent({ keepAlive: true })
      : new https.Agent({
          keepAlive: true,
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          pfx: options.pfx,
          passphrase: options.passphrase,
          servername: options.servername,
          ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
        });
    return this.agent;
  }

  /** Closes idle keep-alive connections (call on shutdown). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async prepare(method: string, path: string, query: Query | undefined, headers: Record<string, string>) {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: https.RequestOptions = { method, headers: { Accept: 'application/json', ...headers } };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const plain = url.protocol === 'http:';
    options.agent = this.agentFor(options, Boolean(cluster.proxyUrl), plain);
    const transport = plain ? http : https;
    return { url, options, transport };
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      // Node sends a DELETE body without a length unless told; the API server then ignores it
      // and the stray bytes corrupt the next request on the kept-alive connection.
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const { url, options, transport } = await this.prepare(method, path, opts.query, headers);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(apiErrorFrom(status, text, `${method} ${path} failed`));
          if (opts.text) return resolve(text as T);
          try {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  getText(path: string, query?: Query): Promise<string> {
    return this.request<string>('GET', path, { query, text: true });
  }

  /**
   * A streaming GET (a watch): each JSON line goes to `onLine`. `connectTimeoutMs` bounds the
   * wait for response headers; after that the caller's watchdog decides when silence is too long.
   */
  async stream(path: string, query: Query, onLine: (value: unknown) => void, connectTimeoutMs = DEFAULT_TIMEOUT_MS): Promise<StreamHandle> {
    const { url, options, transport } = await this.prepare('GET', path, query, {});
    let aborted = false;
    let request: http.ClientRequest | undefined;
    const done = new Promise<void>((resolve, reject) => {
      request = transport.request(url, options, (res) => {
        request?.setTimeout(0);
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => reject(apiErrorFrom(status, Buffer.concat(chunks).toString('utf8'), `watch ${path} failed`)));
          res.on('error', reject);
          return;
        }
        const lines = createInterface({ input: res, crlfDelay: Infinity });
        lines.on('error', () => undefined); // the response's own error handler decides
        lines.on('line', (line) => {
          if (!line.trim()) return;
          try {
            onLine(JSON.parse(line));
          } catch {
            // A torn line is followed by the stream's end; the caller relists then.
          }
        });
        res.on('error', (err) => (aborted ? resolve() : reject(err)));
        res.on('close', () => resolve());
      });
      request.setTimeout(connectTimeoutMs, () => request?.destroy(new Error(`watch ${path}: no response in ${connectTimeoutMs} ms`)));
      request.on('error', (err) => (aborted ? resolve() : reject(err)));
      request.end();
    });
    return {
      done,
      abort() {
        aborted = true;
        request?.destroy();
      },
    };
  }
}
