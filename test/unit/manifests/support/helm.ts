/**
 * The helm binary hack/helm.sh builds into the cache (found, never built here: building takes
 * minutes), and `helm template` of the chart as Kubernetes objects.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadYamlText, REPO_ROOT } from './load.js';
import { read } from './source.js';

export const CHART = 'charts/galera-operator';

/** Path of the cached helm binary (HELM overrides), or undefined when it has not been built. */
export function findHelm(): string | undefined {
  if (process.env.HELM) return process.env.HELM;
  const version = /^HELM_VERSION="\$\{HELM_VERSION:-([^}]+)\}"/m.exec(read('hack/helm.sh'))?.[1];
  if (!version) throw new Error('hack/helm.sh names no HELM_VERSION');
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const bin = join(cache, 'galera-operator', `helm-${version}`, 'helm');
  return existsSync(bin) ? bin : undefined;
}

export interface HelmRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(bin: string, args: string[]): HelmRun {
  const run = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Objects of `helm template` with the given --set values, in namespace galera-operator-system. */
export function renderChart(bin: string, sets: string[] = [], release = 'galera-operator'): KubernetesObject[] {
  const args = ['template', release, CHART, '--namespace', 'galera-operator-system', ...sets.flatMap((s) => ['--set', s])];
  const run = helm(bin, args);
  if (run.status !== 0) throw new Error(`helm ${args.join(' ')} failed: ${run.stderr}`);
  return loadYamlText(run.stdout);
}
