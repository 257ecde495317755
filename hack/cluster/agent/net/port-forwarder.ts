import { type Server, type Socket, connect, createServer } from 'node:net';
import type { Logger } from 'pino';
import type { Endpoint } from './endpoints.js';

interface Forwarded {
  client: Socket;
  upstream: Socket;
}

/**
 * One listening address that hands each accepted connection to a backend chosen at accept time
 * and then only copies bytes (so later readiness changes do not touch it, as with kube-proxy).
 */
export class PortForwarder {
  private readonly server: Server;
  private readonly byEndpoint = new Map<string, Set<Forwarded>>();

  constructor(
    readonly ip: string,
    readonly port: number,
    private readonly choose: (clientIp: string) => Endpoint | undefined,
    private readonly log: Logger,
  ) {
    this.server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: this.ip, port: this.port, exclusive: true }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.warn({ err: err.message }, 'listener error'));
        resolve();
      });
    });
  }

  /** Stop accepting and drop every forwarded connection. */
  close(): Promise<void> {
    for (const key of [...this.byEndpoint.keys()]) this.closeConnectionsTo(key);
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  closeConnectionsTo(endpointKey: string): number {
    const conns = this.byEndpoint.get(endpointKey);
    if (!conns) return 0;
    this.byEndpoint.delete(endpointKey);
    for (const { client, upstream } of conns) {
      upstream.destroy();
      client.destroy();
    }
    return conns.size;
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.byEndpoint.values()) n += set.size;
    return n;
  }

  private accept(client: Socket): void {
    const endpoint = this.choose(client.remoteAddress ?? '');
    if (!endpoint) {
      // Like kube-proxy's REJECT for a Service without endpoints: fail fast, do not hang.
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: endpoint.host, port: endpoint.port, allowHalfOpen: true });
    const forwarded: Forwarded = { client, upstream };
    this.track(endpoint.key, forwarded);

    let connected = false;
    upstream.once('connect', () => {
      connected = true;
    });
    upstream.on('error', (err) => {
      if (!connected) {
        this.log.debug({ backend: `${endpoint.host}:${endpoint.port}`, err: err.message }, 'backend refused');
        client.resetAndDestroy();
      } else {
        client.destroy();
      }
    });
    client.on('error', () => upstream.destroy());
    // pipe() forwards half-closes (end) in both directions; close only forgets the pair.
    client.pipe(upstream);
    upstream.pipe(client);
    const forget = () => {
      if (client.destroyed && upstream.destroyed) this.untrack(endpoint.key, forwarded);
    };
    client.on('close', forget);
    upstream.on('close', forget);
  }

  private track(key: string, forwarded: Forwarded): void {
    let set = this.byEndpoint.get(key);
    if (!set) {
      set = new Set();
      this.byEndpoint.set(key, set);
    }
    set.add(forwarded);
  }

  private untrack(key: string, forwarded: Forwarded): void {
    const set = this.byEndpoint.get(key);
    if (!set) return;
    set.delete(forwarded);
    if (set.size === 0) this.byEndpoint.delete(key);
  }
}
