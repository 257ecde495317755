/** Reading the deployment manifests as Kubernetes objects, and RBAC rules as flat grants. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAllYaml, type KubernetesObject, type V1PolicyRule } from '@kubernetes/client-node';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

export const OPERATOR_NAMESPACE = 'galera-operator-system';
export const SERVICE_ACCOUNT = 'galera-operator';

/** Every object in the YAML files of a repository directory, in file-name order (as kubectl applies them). */
export function loadDir(dir: string): KubernetesObject[] {
  const full = join(REPO_ROOT, dir);
  return readdirSync(full)
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.yml'))
    .sort()
    .flatMap((name) => loadYamlText(readFileSync(join(full, name), 'utf8')));
}

/** Plain objects (client-node returns its model classes; those never deep-equal a literal). */
export function loadYamlText(text: string): KubernetesObject[] {
  const docs = (loadAllYaml(text) as Array<KubernetesObject | null>).filter((doc): doc is KubernetesObject => Boolean(doc));
  return JSON.parse(JSON.stringify(docs)) as KubernetesObject[];
}

export function findObject<T extends KubernetesObject>(objects: KubernetesObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as T;
}

/** One permission: `<group>/<resource>:<verb>`, with `@<name>` when limited to one object. */
export type Grant = string;

export function grant(group: string, resource: string, verb: string, resourceName?: string): Grant {
  return `${group}/${resource}:${verb}${resourceName ? `@${resourceName}` : ''}`;
}

/** Rules expanded to single grants; wildcards are kept literally, so a test can refuse them. */
export function grantsOf(rules: V1PolicyRule[] | undefined): Set<Grant> {
  const out = new Set<Grant>();
  for (const rule of rules ?? []) {
    const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs)
          for (const name of names) out.add(grant(group, resource, verb, name));
  }
  return out;
}

/** Whether `grants` allow `wanted` (a grant limited to a name allows only that name). */
export function allows(grants: Set<Grant>, wanted: Grant): boolean {
  return grants.has(wanted) || (!wanted.includes('@') ? false : grants.has(wanted.slice(0, wanted.indexOf('@'))));
}
