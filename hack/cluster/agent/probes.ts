/** One probe attempt against a running container: exec (inside its namespaces), tcpSocket, httpGet. */
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { signalGroup } from './container-process.js';

export interface ProbeTarget {
  pid: number;
  podIP: string;
  env: Record<string, string>;
  container: V1Container;
}

export type ProbeOutcome = { ok: boolean; detail?: string };

export function resolvePort(port: number | string, container: V1Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** Runs argv inside the container's mount and UTS namespaces, in its own process group. */
export function execInContainer(target: Pick<ProbeTarget, 'pid' | 'env'>, argv: string[], timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', ['--target', String(target.pid), '--mount', '--uts', '--', ...argv], {
      detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: target.env, cwd: '/',
    });
    let output = '';
    const collect = (chunk: Buffer): void => { if (output.length < 2000) output += chunk.toString(); };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      resolve({ ok: false, detail: `command timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: err.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, detail: code === 0 ? undefined : `exit code ${code}: ${output.trim().slice(0, 300)}` });
    });
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (outcome: ProbeOutcome): void => { socket.destroy(); resolve(outcome); };
    socket.once('connect', () => done({ ok: true }));
    socket.once('timeout', () => done({ ok: false, detail: `dial ${host}:${port} timed out` }));
    socket.once('error', (err) => done({ ok: false, detail: `dial ${host}:${port}: ${err.message}` }));
  });
}

function httpProbe(probe: NonNullable<V1Probe['httpGet']>, host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const secure = probe.scheme === 'HTTPS';
    const headers = Object.fromEntries((probe.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const req = (secure ? https : http).request({
      host, port, path: probe.path ?? '/', method: 'GET', timeout: timeoutMs, headers,
      ...(secure ? { rejectUnauthorized: false } : {}),
    }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, detail: `HTTP probe failed with statuscode: ${code}` });
    });
    req.once('timeout', () => { req.destroy(); resolve({ ok: false, detail: 'HTTP probe timed out' }); });
    req.once('error', (err) => resolve({ ok: false, detail: err.message }));
    req.end();
  });
}

export async function runProbe(probe: V1Probe, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  if (probe.exec?.command?.length) return execInContainer(target, probe.exec.command, timeoutMs);
  const socket = probe.tcpSocket ?? probe.httpGet;
  if (socket) {
    const port = resolvePort(socket.port as number | string, target.container);
    if (port === undefined) return { ok: false, detail: `unknown port ${String(socket.port)}` };
    const host = socket.host || target.podIP;
    return probe.httpGet ? httpProbe(probe.httpGet, host, port, timeoutMs) : tcpProbe(host, port, timeoutMs);
  }
  return { ok: false, detail: 'unsupported probe handler (exec, tcpSocket and httpGet are supported)' };
}
