/**
 * The mounts a container gets inside its private mount namespace, and the shell wrapper that
 * performs them and then execs the container's command. Pure.
 */
import path from 'node:path';
import type { V1Container } from '@kubernetes/client-node';
import { expandVars } from './env.js';
import type { ExtraMount } from './images.js';

export interface PlannedMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface BindMount extends PlannedMount {
  sourceIsFile: boolean;
}

export interface PodPaths {
  hostsFile: string;
  tmpDir: string;
}

export type MountPlan = { ok: true; mounts: PlannedMount[] } | { ok: false; message: string };

function checkSubPath(subPath: string): string | undefined {
  if (path.posix.isAbsolute(subPath)) return `subPath ${subPath} must be relative`;
  if (subPath.split('/').includes('..')) return `subPath ${subPath} must not contain '..'`;
  return undefined;
}

/**
 * /etc/hosts and /tmp first, then image mounts, then volumes, parents before children
 * (a stable sort by depth), so a mount inside another volume lands in that volume.
 */
export function planMounts(
  container: V1Container, volumePaths: ReadonlyMap<string, string>, env: Record<string, string>,
  imageMounts: readonly ExtraMount[], pod: PodPaths,
): MountPlan {
  const volumeMounts: PlannedMount[] = [];
  for (const vm of container.volumeMounts ?? []) {
    const base = volumePaths.get(vm.name);
    if (base === undefined) return { ok: false, message: `volumeMount ${vm.name}: no such volume in the pod` };
    const subPath = vm.subPathExpr ? expandVars(vm.subPathExpr, env) : vm.subPath;
    if (subPath) {
      const problem = checkSubPath(subPath);
      if (problem) return { ok: false, message: problem };
    }
    volumeMounts.push({
      source: subPath ? path.join(base, subPath) : base,
      target: path.posix.normalize(vm.mountPath),
      readOnly: vm.readOnly === true,
    });
  }
  const depth = (m: PlannedMount): number => m.target.split('/').filter(Boolean).length;
  const sorted = [...imageMounts, ...volumeMounts].map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i)
    .map(({ m }) => m);
  return {
    ok: true,
    mounts: [
      { source: pod.hostsFile, target: '/etc/hosts', readOnly: false },
      { source: pod.tmpDir, target: '/tmp', readOnly: false },
      ...sorted,
    ],
  };
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface WrapperSpec {
  mounts: readonly BindMount[];
  hostname: string;
  workingDir?: string;
  argv: readonly string[];
}

/**
 * A bash script run as `unshare --mount --uts --propagation private -- bash <script>`: it
 * mounts, sets the host name and execs the command, so the container's main process keeps the
 * PID the agent spawned. Every source is opened before the first mount and bound through
 * /proc/self/fd, because a mount (an emptyDir at /work, say) may hide the host paths of later
 * sources. Missing mount points are created as empty directories/files.
 */
export function renderWrapper(spec: WrapperSpec): string {
  const q = shellQuote;
  const lines = ['#!/bin/bash', 'set -e'];
  spec.mounts.forEach((m, i) => lines.push(`exec {src${i}}<${q(m.source)}`));
  spec.mounts.forEach((m, i) => {
    if (m.sourceIsFile) {
      lines.push(`[ -e ${q(m.target)} ] || { mkdir -p ${q(path.posix.dirname(m.target))}; : > ${q(m.target)}; }`);
    } else {
      lines.push(`[ -d ${q(m.target)} ] || mkdir -p ${q(m.target)}`);
    }
    // --no-canonicalize: mount(8) would otherwise resolve the fd link to its path string,
    // which may name something else once earlier mounts are in place.
    lines.push(`mount --no-canonicalize --bind "/proc/self/fd/$src${i}" ${q(m.target)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${q(m.target)}`);
  });
  if (spec.mounts.length) lines.push(`exec ${spec.mounts.map((_, i) => `{src${i}}<&-`).join(' ')}`);
  lines.push(`hostname ${q(spec.hostname)}`);
  if (spec.workingDir) lines.push(`mkdir -p ${q(spec.workingDir)}`, `cd ${q(spec.workingDir)}`);
  lines.push(`exec ${spec.argv.map(q).join(' ')}`);
  return `${lines.join('\n')}\n`;
}
