/** Everything needed to start one container: image mapping, env, mounts, the wrapper script. */
import fs from 'node:fs';
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import type { PrepareResult } from './container-runner.js';
import { containerArgv, envReferences, podHostname, resolveEnv } from './env.js';
import { resolveImage, type HostView } from './images.js';
import { planMounts, renderWrapper, type BindMount } from './mount-plan.js';
import { fetchObjects } from './object-fetch.js';
import type { PodPaths } from './pod-paths.js';

export const hostView: HostView = {
  fileExists: (p) => fs.existsSync(p),
  locate: (binary) => {
    const dir = (process.env.PATH ?? '').split(':').find((d) => d && fs.existsSync(`${d}/${binary}`));
    return dir ? `${dir}/${binary}` : null;
  },
};

export interface PrepareContext {
  core: CoreV1Api;
  pod: V1Pod;
  paths: PodPaths;
  podIP: string;
  hostIP: string;
  projectDir: string;
  volumePaths: ReadonlyMap<string, string>;
}

const configError = (message: string): PrepareResult => ({ ok: false, reason: 'CreateContainerConfigError', message });

/** Create a missing subPath source as a directory (as a kubelet does) and learn file vs dir. */
function materialise(source: string): boolean {
  if (!fs.existsSync(source)) fs.mkdirSync(source, { recursive: true });
  return fs.statSync(source).isFile();
}

export async function prepareContainer(ctx: PrepareContext, container: V1Container): Promise<PrepareResult> {
  const image = resolveImage(container.image ?? '', hostView, ctx.projectDir);
  if (!image.available) return { ok: false, reason: image.reason, message: image.message };
  const namespace = ctx.pod.metadata?.namespace ?? 'default';
  const objects = await fetchObjects(ctx.core, namespace, envReferences(container));
  const env = resolveEnv(ctx.pod, container, { ...objects, podIP: ctx.podIP, hostIP: ctx.hostIP });
  if (!env.ok) return configError(env.message);
  const ownPath = container.env?.some((e) => e.name === 'PATH') ?? false;
  if (image.pathDirs?.length && !ownPath) env.env.PATH = [...image.pathDirs, env.env.PATH].join(':');
  const argv = containerArgv(container, image, env.env);
  if (!argv) return configError(`no command given and image ${image.image} has no default command on this cluster`);
  const tmpDir = ctx.paths.tmpDir(container.name);
  fs.mkdirSync(tmpDir, { recursive: true });
  fs.chmodSync(tmpDir, 0o1777);
  const plan = planMounts(container, ctx.volumePaths, env.env, image.mounts, { hostsFile: ctx.paths.hostsFile, tmpDir });
  if (!plan.ok) return configError(plan.message);
  const mounts: BindMount[] = plan.mounts.map((m) => ({ ...m, sourceIsFile: materialise(m.source) }));
  const wrapper = renderWrapper({ mounts, hostname: podHostname(ctx.pod), workingDir: container.workingDir ?? image.workingDir, argv });
  return { ok: true, wrapper, env: env.env, imageID: image.imageID };
}
