/**
 * What the agent does to the HAProxy in its pod: read the running state through the admin
 * socket, write the config file the start script reloads from, and set drain states.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { drainMember, readyMember, showServersState, showServerStats } from '../haproxy/admin-socket.js';
import { adminSocketPath } from '../haproxy/config.js';
import { configHash, type ProxyState, type ServerReport } from './api.js';

/** The copy of the config the start script last reloaded HAProxy with (start-script.ts). */
export const appliedConfigPath = (runtimeDir: string): string => path.join(runtimeDir, 'applied.cfg');

async function hashOf(file: string): Promise<string | null> {
  try {
    return configHash(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export async function readProxyState(runtimeDir: string, configPath: string, timeoutMs = 3000): Promise<ProxyState> {
  const [desiredHash, appliedHash] = await Promise.all([hashOf(configPath), hashOf(appliedConfigPath(runtimeDir))]);
  const socket = adminSocketPath(runtimeDir);
  try {
    const states = await showServersState(socket, timeoutMs);
    const stats = await showServerStats(socket, timeoutMs);
    const sessions = new Map(stats.map((s) => [`${s.backend}/${s.server}`, s.sessions]));
    const servers: ServerReport[] = states.map((s) => ({
      backend: s.backend,
      server: s.server,
      up: s.up,
      draining: s.draining,
      maintenance: s.maintenance,
      sessions: sessions.get(`${s.backend}/${s.server}`) ?? 0,
    }));
    return { desiredHash, appliedHash, adminReachable: true, servers };
  } catch (err) {
    return { desiredHash, appliedHash, adminReachable: false, adminError: (err as Error).message, servers: [] };
  }
}

/** Replaces the watched config file by rename, so the start script never reads half of it. */
export async function writeConfig(configPath: string, text: string): Promise<string> {
  const tmp = path.join(path.dirname(configPath), `.${path.basename(configPath)}.${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, configPath);
  return configHash(text);
}

/**
 * Drains exactly `members` (on both listeners) and puts every other drained server back to
 * ready. Returns the servers whose state was changed.
 */
export async function setDrainedMembers(runtimeDir: string, members: readonly string[], timeoutMs = 3000): Promise<string[]> {
  const socket = adminSocketPath(runtimeDir);
  const wanted = new Set(members);
  const states = await showServersState(socket, timeoutMs);
  const changed: string[] = [];
  for (const server of [...new Set(states.map((s) => s.server))]) {
    const rows = states.filter((s) => s.server === server);
    if (wanted.has(server) && rows.some((s) => !s.draining)) {
      await drainMember(socket, server, timeoutMs);
      changed.push(server);
    } else if (!wanted.has(server) && rows.some((s) => s.draining)) {
      await readyMember(socket, server, timeoutMs);
      changed.push(server);
    }
  }
  return changed;
}
