/** Gathers an Observation from the pod's files and the server (I/O only; decisions in report.ts). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SST_MARKERS } from '../galera/scripts/layout.js';
import { parseGrastate, type GrastateInfo } from './grastate.js';
import type { Observation } from './report.js';
import { serverGreets } from './server-check.js';
import type { SidecarSettings } from './settings.js';
import { parseStateFile, type StateFileRead } from './state-file.js';

export const STATE_FILE_NAME = 'state.json';
export const INSTRUCTION_FILE_NAME = 'instruction';

async function readStateFile(runDir: string): Promise<StateFileRead> {
  try {
    return parseStateFile(await readFile(path.join(runDir, STATE_FILE_NAME), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: `cannot read state.json: ${(err as Error).message}` };
  }
}

async function readGrastate(dataDir: string): Promise<GrastateInfo | null> {
  try {
    return parseGrastate(await readFile(path.join(dataDir, 'grastate.dat'), 'utf8'));
  } catch {
    return null;
  }
}

export async function observe(settings: SidecarSettings): Promise<Observation> {
  const [stateFile, grastate] = await Promise.all([readStateFile(settings.runDir), readGrastate(settings.dataDir)]);
  const starting = stateFile.kind === 'ok' && stateFile.state.phase === 'Starting';
  const target = existsSync(settings.socketPath)
    ? { socketPath: settings.socketPath }
    : { host: settings.listenHost, port: settings.mysqlPort };
  return {
    podName: settings.podName,
    stateFile,
    grastate,
    systemSchemaPresent: existsSync(path.join(settings.dataDir, 'mysql')),
    sstMarkersPresent: SST_MARKERS.some((marker) => existsSync(path.join(settings.dataDir, marker))),
    // Only a started server can answer; skip the check (and its timeout) otherwise.
    mariadbAnswers: starting ? await serverGreets(target, settings.serverCheckTimeoutMs) : false,
  };
}
