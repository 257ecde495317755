/**
 * A container's main process: spawned in its own session (so its process group is the
 * container) inside private mount+UTS namespaces, output appended to its log, PID in its pid
 * file. After an agent restart a still-running process is adopted by PID + kernel start time.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ContainerFiles {
  /** Contract path: <state>/run/<ns>/<pod>/<container>.pid */
  pidFile: string;
  /** Contract path: <state>/logs/<ns>/<pod>/<container>.log */
  logFile: string;
  /** Agent-private: PID + start time, to recognise the process after a restart. */
  metaFile: string;
  wrapperFile: string;
}

export interface ExitInfo {
  exitCode: number;
  signal?: number;
  /** The process was adopted, so its real exit status could not be observed. */
  unknown: boolean;
  finishedAt: Date;
}

export interface ContainerProcess {
  pid: number;
  startedAt: Date;
  exited: Promise<ExitInfo>;
}

interface ProcessMeta {
  pid: number;
  kernelStart: string;
  startedAt: string;
}

const ADOPTED_POLL_MS = 500;

/** State (field 3) and start time in clock ticks (field 22) of /proc/<pid>/stat. */
function procStat(pid: number): { state: string; start: string } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', start: fields[19] ?? '' };
}

/** Start time of a live (not zombie) process, or undefined. */
export function kernelStartTime(pid: number): string | undefined {
  const st = procStat(pid);
  return st && st.state !== 'Z' && st.state !== 'X' ? st.start : undefined;
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * A group id cannot be handed out again while the group has members, so leftovers of a dead
 * main process are safe to kill as long as no other process now owns that PID.
 */
function safeToKillGroup(meta: Pick<ProcessMeta, 'pid' | 'kernelStart'>): boolean {
  const st = procStat(meta.pid);
  return st === undefined || st.start === meta.kernelStart;
}

function removeIfOwned(file: string, pid: number): void {
  try {
    if (fs.readFileSync(file, 'utf8').trim() === String(pid)) fs.rmSync(file, { force: true });
  } catch {
    /* already gone */
  }
}

/** After the main process ends, whatever it left in its group goes too, as with a container. */
function finish(files: ContainerFiles, pid: number, killGroup = true): void {
  if (killGroup) signalGroup(pid, 'SIGKILL');
  removeIfOwned(files.pidFile, pid);
  fs.rmSync(files.metaFile, { force: true });
}

export function spawnContainer(files: ContainerFiles, wrapperScript: string, env: Record<string, string>): ContainerProcess {
  for (const f of Object.values(files)) fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(files.wrapperFile, wrapperScript, { mode: 0o700 });
  const logFd = fs.openSync(files.logFile, 'a');
  let child;
  try {
    child = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', '--', '/bin/bash', files.wrapperFile], {
      detached: true, stdio: ['ignore', logFd, logFd], env, cwd: '/',
    });
  } finally {
    fs.closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start unshare');
  const startedAt = new Date();
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      finish(files, pid);
      const signo = signal ? os.constants.signals[signal] : undefined;
      resolve({ exitCode: code ?? 128 + (signo ?? 0), signal: signo, unknown: false, finishedAt: new Date() });
    });
  });
  child.unref();
  fs.writeFileSync(files.pidFile, `${pid}\n`);
  const meta: ProcessMeta = { pid, kernelStart: kernelStartTime(pid) ?? '', startedAt: startedAt.toISOString() };
  fs.writeFileSync(files.metaFile, JSON.stringify(meta));
  return { pid, startedAt, exited };
}

function readMeta(files: ContainerFiles): ProcessMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(files.metaFile, 'utf8')) as ProcessMeta;
  } catch {
    return undefined;
  }
}

/** The process a previous agent run left, if it is still the same process; else cleans up its files. */
export function adoptContainer(files: ContainerFiles): ContainerProcess | undefined {
  const meta = readMeta(files);
  if (!meta || !meta.kernelStart || kernelStartTime(meta.pid) !== meta.kernelStart) {
    if (meta && safeToKillGroup(meta)) signalGroup(meta.pid, 'SIGKILL');
    fs.rmSync(files.metaFile, { force: true });
    fs.rmSync(files.pidFile, { force: true });
    return undefined;
  }
  fs.writeFileSync(files.pidFile, `${meta.pid}\n`);
  const { pid, kernelStart } = meta;
  const exited = new Promise<ExitInfo>((resolve) => {
    const timer = setInterval(() => {
      if (kernelStartTime(pid) === kernelStart) return;
      clearInterval(timer);
      finish(files, pid, safeToKillGroup({ pid, kernelStart }));
      resolve({ exitCode: 137, unknown: true, finishedAt: new Date() });
    }, ADOPTED_POLL_MS);
    timer.unref();
  });
  return { pid, startedAt: new Date(meta.startedAt), exited };
}

/** Kill a left-over process recorded in a meta file (used for pods that no longer exist). */
export function killRecorded(files: Pick<ContainerFiles, 'metaFile' | 'pidFile'>): boolean {
  const meta = readMeta(files as ContainerFiles);
  const alive = !!meta?.kernelStart && kernelStartTime(meta.pid) === meta.kernelStart;
  if (meta && safeToKillGroup(meta)) signalGroup(meta.pid, 'SIGKILL');
  if (meta) removeIfOwned(files.pidFile, meta.pid);
  fs.rmSync(files.metaFile, { force: true });
  return alive;
}

/** SIGTERM to the container's process group, SIGKILL after the grace period. */
export async function stopContainer(proc: ContainerProcess, graceMs: number): Promise<ExitInfo> {
  signalGroup(proc.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), graceMs); });
  const first = await Promise.race([proc.exited, graceOver]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  signalGroup(proc.pid, 'SIGKILL');
  return proc.exited;
}
