import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface BindAddress {
  host: string;
  port: number;
}

export interface Check {
  name: string;
  ok: () => boolean;
}

/**
 * Parses "host:port" or ":port". An empty host means the pod's own address (POD_IP, set from
 * the downward API in-cluster) or loopback locally; wildcard addresses are refused.
 */
export function parseBindAddress(value: string, podIp = process.env.POD_IP): BindAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value.trim());
  if (!match) throw new Error(`bind address "${value}" is not host:port`);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (host === '0.0.0.0' || host === '::') throw new Error(`refusing to bind wildcard address ${host}; name the address to listen on`);
  if (port > 65535) throw new Error(`bind address "${value}" has an invalid port`);
  return { host: host || podIp || '127.0.0.1', port };
}

export interface RuntimeServerOptions {
  address: BindAddress;
  registry?: Registry;
  healthChecks?: Check[];
  readyChecks?: Check[];
}

function runChecks(checks: Check[] | undefined): { ok: boolean; body: string } {
  const failed = (checks ?? []).filter((c) => {
    try {
      return !c.ok();
    } catch {
      return true;
    }
  });
  const lines = (checks ?? []).map((c) => `[${failed.includes(c) ? '-' : '+'}]${c.name} ${failed.includes(c) ? 'failed' : 'ok'}`);
  return { ok: failed.length === 0, body: `${lines.join('\n')}${lines.length ? '\n' : ''}${failed.length ? 'check failed' : 'ok'}\n` };
}

/** Serves /metrics (when given a registry) and /healthz, /readyz (when given checks). */
export class RuntimeServer {
  private readonly server: http.Server;
  bound: BindAddress | undefined;

  constructor(private readonly options: RuntimeServerOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(): Promise<BindAddress> {
    const { host, port } = this.options.address;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const info = this.server.address() as AddressInfo;
    this.bound = { host: info.address, port: info.port };
    return this.bound;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/metrics' && this.options.registry) {
        const body = await this.options.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.options.registry.contentType }).end(body);
      } else if (path === '/healthz' && this.options.healthChecks) {
        const result = runChecks(this.options.healthChecks);
        res.writeHead(result.ok ? 200 : 500, { 'Content-Type': 'text/plain' }).end(result.body);
      } else if (path === '/readyz' && this.options.readyChecks) {
        const result = runChecks(this.options.readyChecks);
        res.writeHead(result.ok ? 200 : 500, { 'Content-Type': 'text/plain' }).end(result.body);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      }
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`);
    }
  }
}
