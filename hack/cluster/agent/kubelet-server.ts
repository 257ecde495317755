/**
 * The bit of a kubelet's HTTPS API that `kubectl logs` needs: /containerLogs/<ns>/<pod>/<container>
 * on each node address, port 10250, served from the container log files. The API server
 * authenticates with its kubelet client certificate; this endpoint checks nothing further and
 * listens only on the nodes' 127.0.10.x addresses. Output of all runs of a container is one file,
 * so `--previous` shows the same as without it.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Logger } from 'pino';
import { KUBELET_PORT, type NodeSpec } from './config.js';

const FOLLOW_POLL_MS = 500;
const SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The last `n` lines of `text` (all of it when n is undefined). Pure. */
export function tailLines(text: string, n: number | undefined): string {
  if (n === undefined) return text;
  if (n <= 0) return '';
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const kept = lines.slice(-n).join('\n');
  return kept && trailingNewline ? `${kept}\n` : kept;
}

/** ns/pod/container from a /containerLogs path, refusing anything that is not a plain name. Pure. */
export function parseLogPath(urlPath: string): { namespace: string; pod: string; container: string } | undefined {
  const parts = urlPath.split('/').filter(Boolean);
  if (parts.length !== 4 || parts[0] !== 'containerLogs') return undefined;
  const [, namespace = '', pod = '', container = ''] = parts.map(decodeURIComponent);
  return [namespace, pod, container].every((s) => SEGMENT.test(s)) ? { namespace, pod, container } : undefined;
}

export class KubeletServer {
  private readonly servers: https.Server[] = [];

  constructor(private readonly stateDir: string, private readonly log: Logger) {}

  async start(nodes: readonly NodeSpec[]): Promise<void> {
    const cert = path.join(this.stateDir, 'pki', 'kubelet.crt');
    const key = path.join(this.stateDir, 'pki', 'kubelet.key');
    if (!fs.existsSync(cert) || !fs.existsSync(key)) {
      this.log.warn({ cert }, 'no kubelet certificate: kubectl logs will not work');
      return;
    }
    const tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
    for (const node of nodes) {
      const server = https.createServer(tls, (req, res) => this.handle(req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(KUBELET_PORT, node.ip, () => resolve());
      }).catch((err: unknown) => this.log.warn({ node: node.name, err: String(err) }, 'kubelet endpoint could not listen'));
      if (server.listening) this.servers.push(server);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    })));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://node');
    if (url.pathname === '/healthz') {
      res.end('ok');
      return;
    }
    const target = req.method === 'GET' ? parseLogPath(url.pathname) : undefined;
    const file = target && path.join(this.stateDir, 'logs', target.namespace, target.pod, `${target.container}.log`);
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const tail = url.searchParams.get('tailLines');
    const limit = url.searchParams.get('limitBytes');
    let body = tailLines(fs.readFileSync(file, 'utf8'), tail === null ? undefined : Number(tail));
    if (limit !== null) body = body.slice(0, Number(limit));
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write(body);
    if (url.searchParams.get('follow') !== 'true') {
      res.end();
      return;
    }
    this.follow(file, res);
  }

  /** Stream what is appended until the client goes away or the file disappears. */
  private follow(file: string, res: ServerResponse): void {
    let offset = fs.statSync(file).size;
    const timer = setInterval(() => {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        clearInterval(timer);
        res.end();
        return;
      }
      if (size < offset) offset = 0;
      if (size === offset) return;
      const fd = fs.openSync(file, 'r');
      const chunk = Buffer.alloc(size - offset);
      fs.readSync(fd, chunk, 0, chunk.length, offset);
      fs.closeSync(fd);
      offset = size;
      res.write(chunk);
    }, FOLLOW_POLL_MS);
    res.on('close', () => clearInterval(timer));
  }
}
