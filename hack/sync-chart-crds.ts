/**
 * Copies what the Helm chart shares with manifests/ into the chart, byte for byte, so there is
 * one source for each: the generated CRDs (manifests/crds/*.yaml → charts/galera-operator/crds/)
 * and the ClusterRole's rules (manifests/rbac/cluster-role.yaml → files/cluster-role-rules.yaml,
 * which the chart's ClusterRole template includes). Helm cannot read files outside its chart.
 *
 *   node --import tsx hack/sync-chart-crds.ts [--check]
 *
 * --check writes nothing and exits 1 when the chart is out of date.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHART_DIR = 'charts/galera-operator';
export const CLUSTER_ROLE_FILE = 'manifests/rbac/cluster-role.yaml';
export const RULES_FILE = `${CHART_DIR}/files/cluster-role-rules.yaml`;

const RULES_HEADER = `# Copied from ${CLUSTER_ROLE_FILE} by hack/sync-chart-crds.ts. Do not edit.\n`;

/** The `rules:` list of the ClusterRole manifest, comments and indentation kept. */
export function clusterRoleRules(clusterRoleYaml: string): string {
  const lines = clusterRoleYaml.split('\n');
  const start = lines.findIndex((line) => line === 'rules:');
  if (start < 0) throw new Error(`${CLUSTER_ROLE_FILE} has no top-level "rules:" line`);
  const rules = lines.slice(start + 1).join('\n');
  if (!rules.trim()) throw new Error(`${CLUSTER_ROLE_FILE} has an empty rules list`);
  return RULES_HEADER + rules.replace(/\n*$/, '\n');
}

/** Chart-relative path → content the chart must hold, derived from manifests/. */
export function desiredChartFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const crdDir = join(root, 'manifests/crds');
  for (const name of readdirSync(crdDir).filter((n) => n.endsWith('.yaml')).sort()) {
    files.set(`${CHART_DIR}/crds/${name}`, readFileSync(join(crdDir, name), 'utf8'));
  }
  files.set(RULES_FILE, clusterRoleRules(readFileSync(join(root, CLUSTER_ROLE_FILE), 'utf8')));
  return files;
}

/** CRD files in the chart that manifests/crds no longer has. */
function strayChartCrds(root: string, desired: Map<string, string>): string[] {
  const dir = join(root, CHART_DIR, 'crds');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => `${CHART_DIR}/crds/${name}`)
    .filter((path) => !desired.has(path));
}

/** Paths (repository-relative) that are missing, differ, or should not be there. */
export function staleChartFiles(root: string): string[] {
  const desired = desiredChartFiles(root);
  const differing = [...desired].filter(([path, content]) => {
    const full = join(root, path);
    return !existsSync(full) || readFileSync(full, 'utf8') !== content;
  });
  return [...differing.map(([path]) => path), ...strayChartCrds(root, desired)];
}

export function syncChart(root: string): string[] {
  const desired = desiredChartFiles(root);
  const stale = staleChartFiles(root);
  for (const path of stale) {
    const content = desired.get(path);
    const full = join(root, path);
    if (content === undefined) {
      rmSync(full);
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return stale;
}

function main(): void {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
  if (process.argv.includes('--check')) {
    const stale = staleChartFiles(root);
    if (stale.length) {
      console.error(`chart out of date (run node --import tsx hack/sync-chart-crds.ts): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('chart files in sync');
    return;
  }
  const changed = syncChart(root);
  console.log(changed.length ? `updated ${changed.join(', ')}` : 'chart files already in sync');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
