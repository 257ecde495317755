import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  adoptContainer, kernelStartTime, killRecorded, spawnContainer, stopContainer, type ContainerFiles,
} from '../../../hack/cluster/agent/container-process.js';
import { renderWrapper } from '../../../hack/cluster/agent/mount-plan.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-proc-'));
const files = (name: string): ContainerFiles => ({
  pidFile: path.join(root, 'run', `${name}.pid`),
  logFile: path.join(root, 'logs', `${name}.log`),
  metaFile: path.join(root, 'meta', `${name}.json`),
  wrapperFile: path.join(root, 'meta', `${name}.sh`),
});
const wrapper = (script: string): string => renderWrapper({ mounts: [], hostname: 'proc-test', argv: ['/bin/sh', '-c', script] });
const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const alive = (pid: number): boolean => kernelStartTime(pid) !== undefined;

describe('container processes (real)', { timeout: 60_000 }, () => {
  // Container processes are unref'ed (the agent must not wait for them): keep the loop alive here.
  const keepAlive = setInterval(() => undefined, 1_000);
  after(() => {
    clearInterval(keepAlive);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes the pid of the exec-ed command, appends output, and reports the exit code', async () => {
    const f = files('exit');
    const first = spawnContainer(f, wrapper('echo run; exit 7'), env);
    assert.equal((await first.exited).exitCode, 7);
    const proc = spawnContainer(f, wrapper('echo again; exec sleep 30'), env);
    assert.equal(fs.readFileSync(f.pidFile, 'utf8').trim(), String(proc.pid));
    await new Promise((r) => setTimeout(r, 300));
    assert.match(fs.readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8'), /^sleep\0/, 'the pid file names the container command itself');
    process.kill(proc.pid, 'SIGKILL');
    const exit = await proc.exited;
    assert.deepEqual([exit.exitCode, exit.signal, exit.unknown], [137, 9, false]);
    assert.equal(fs.existsSync(f.pidFile), false, 'the pid file goes with the process');
    assert.equal(fs.readFileSync(f.logFile, 'utf8'), 'run\nagain\n');
  });

  it('kills children left in the process group when the main process ends', async () => {
    const f = files('group');
    const proc = spawnContainer(f, wrapper('sleep 30 & echo $! > child; exec sleep 30'), env);
    await new Promise((r) => setTimeout(r, 300));
    const child = Number(fs.readFileSync('/proc/' + proc.pid + '/cwd/child', 'utf8'));
    const exit = await stopContainer(proc, 2_000);
    assert.equal(exit.exitCode, 143);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(child), false);
  });

  it('adopts a still-running process by pid and start time, and notices when it ends', async () => {
    const f = files('adopt');
    const proc = spawnContainer(f, wrapper('exec sleep 30'), env);
    const adopted = adoptContainer(f);
    assert.equal(adopted?.pid, proc.pid);
    process.kill(proc.pid, 'SIGKILL');
    const exit = await adopted?.exited;
    assert.deepEqual([exit?.exitCode, exit?.unknown], [137, true]);
  });

  it('does not adopt a recycled pid, and cleans up recorded leftovers', () => {
    const f = files('stale');
    fs.mkdirSync(path.dirname(f.metaFile), { recursive: true });
    fs.mkdirSync(path.dirname(f.pidFile), { recursive: true });
    fs.writeFileSync(f.metaFile, JSON.stringify({ pid: process.pid, kernelStart: '1', startedAt: new Date().toISOString() }));
    fs.writeFileSync(f.pidFile, `${process.pid}\n`);
    assert.equal(adoptContainer(f), undefined);
    assert.equal(fs.existsSync(f.pidFile), false);
    const g = files('leftover');
    const proc = spawnContainer(g, wrapper('exec sleep 30'), env);
    assert.equal(killRecorded(g), true);
    return proc.exited.then((exit) => assert.equal(exit.signal, 9));
  });
});
