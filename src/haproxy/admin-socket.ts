/**
 * Client for HAProxy's admin (stats) socket, a unix socket in the proxy pod's runtime
 * directory: drain/ready a member, end sessions, read server states. It runs where the socket
 * is reachable (in the proxy pod, or a test on the same machine); each call is one
 * non-interactive command, answered and closed by HAProxy, bounded by a timeout.
 */
import net from 'node:net';
import { READER_BACKEND, WRITER_BACKEND } from './config.js';
import { parseServersState, parseShowStat, type HAProxyServerState, type HAProxyServerStats } from './servers-state.js';

export async function haproxyCommand(socketPath: string, command: string, timeoutMs = 3000): Promise<string> {
  if (/[\r\n;]/.test(command)) throw new Error('one command per call');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.createConnection(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`haproxy admin socket: no answer to "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Commands that succeed silently: any answer text is HAProxy's error message. */
async function silentCommand(socketPath: string, command: string, timeoutMs?: number): Promise<void> {
  const answer = (await haproxyCommand(socketPath, command, timeoutMs)).trim();
  if (answer.length > 0) throw new Error(`haproxy: "${command}": ${answer}`);
}

export type ServerAdminState = 'ready' | 'drain' | 'maint';

export async function setServerState(
  socketPath: string,
  backend: string,
  server: string,
  state: ServerAdminState,
  timeoutMs?: number,
): Promise<void> {
  await silentCommand(socketPath, `set server ${backend}/${server} state ${state}`, timeoutMs);
}

/** Stops new connections to a member on both listeners; established ones continue. */
export async function drainMember(socketPath: string, member: string, timeoutMs?: number): Promise<void> {
  for (const backend of [WRITER_BACKEND, READER_BACKEND]) {
    await setServerState(socketPath, backend, member, 'drain', timeoutMs);
  }
}

/** Undoes drainMember once the member is Synced again. */
export async function readyMember(socketPath: string, member: string, timeoutMs?: number): Promise<void> {
  for (const backend of [WRITER_BACKEND, READER_BACKEND]) {
    await setServerState(socketPath, backend, member, 'ready', timeoutMs);
  }
}

export async function shutdownSessions(socketPath: string, backend: string, server: string, timeoutMs?: number): Promise<void> {
  await silentCommand(socketPath, `shutdown sessions server ${backend}/${server}`, timeoutMs);
}

export async function showServersState(socketPath: string, timeoutMs?: number): Promise<HAProxyServerState[]> {
  return parseServersState(await haproxyCommand(socketPath, 'show servers state', timeoutMs));
}

export async function showServerStats(socketPath: string, timeoutMs?: number): Promise<HAProxyServerStats[]> {
  return parseShowStat(await haproxyCommand(socketPath, 'show stat', timeoutMs));
}

/** Current sessions on a member across both listeners: a drain is complete at 0. */
export async function memberSessions(socketPath: string, member: string, timeoutMs?: number): Promise<number> {
  const stats = await showServerStats(socketPath, timeoutMs);
  return stats.filter((s) => s.server === member).reduce((sum, s) => sum + s.sessions, 0);
}
