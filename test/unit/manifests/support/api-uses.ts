/**
 * Derives, from the operator's source, the API permissions it needs: the RBAC manifests are
 * checked against this instead of against a hand-kept list. What it reads:
 *  - informers: `informer(Resources.X | *_RESOURCE)`, and the `primary:` / `owns: [...]` of
 *    controller registrations → list, watch;
 *  - status writers: `statusWriter(*_RESOURCE)` → <plural>/status patch;
 *  - REST calls outside the generic runtime: `rest.get|getText|request(...)` with a path written
 *    as a template literal (directly, through a local `const`, a known path helper, or
 *    `resourcePath(Resources.X, …)`) → the verb of the HTTP method on that resource;
 *  - objects built for server-side apply: builder functions returning `{ apiVersion, kind,
 *    metadata: { ..., namespace } }` (templates carry no namespace) → create, patch;
 *  - typed clients: `makeApiClient(<Group>Api)` and the `this.api.<verb>Namespaced<Kind>` calls
 *    in the same file.
 * Anything it cannot resolve is returned as `unresolved`, so a new kind of call fails loudly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MYSQL_BACKUP, MYSQL_CLUSTER, API_GROUP } from '../../../../src/crd/names.js';
import { Resources } from '../../../../src/runtime/resources.js';
import { grant, REPO_ROOT, type Grant } from './load.js';

export interface ApiUse {
  grant: Grant;
  file: string;
}

export interface ScanResult {
  uses: ApiUse[];
  unresolved: Array<{ file: string; call: string }>;
}

interface SourceFile {
  path: string;
  text: string;
}

const KINDS: Record<string, { group: string; plural: string }> = {
  ...Object.fromEntries(Object.values(Resources).map((r) => [r.kind, { group: r.group, plural: r.plural }])),
  [MYSQL_CLUSTER.kind]: { group: API_GROUP, plural: MYSQL_CLUSTER.plural },
  [MYSQL_BACKUP.kind]: { group: API_GROUP, plural: MYSQL_BACKUP.plural },
  Event: { group: 'events.k8s.io', plural: 'events' },
  CronJob: { group: 'batch', plural: 'cronjobs' },
};

/** The operator's own ResourceRef constants (src/reconcilers/resources.ts). */
const RESOURCE_CONSTANTS: Record<string, { group: string; plural: string }> = {
  MYSQL_CLUSTER_RESOURCE: { group: API_GROUP, plural: MYSQL_CLUSTER.plural },
  MYSQL_BACKUP_RESOURCE: { group: API_GROUP, plural: MYSQL_BACKUP.plural },
};

/** Helpers that return a REST path of a known resource. */
const PATH_HELPERS: Record<string, { group: string; plural: string; named: boolean }> = {
  clusterPath: { group: API_GROUP, plural: MYSQL_CLUSTER.plural, named: true },
};

const TYPED_API_GROUPS: Record<string, string> = {
  CoreV1Api: '',
  AppsV1Api: 'apps',
  BatchV1Api: 'batch',
  PolicyV1Api: 'policy',
  CoordinationV1Api: 'coordination.k8s.io',
  EventsV1Api: 'events.k8s.io',
};

const TYPED_VERBS: Record<string, string> = { read: 'get', list: 'list', create: 'create', replace: 'update', patch: 'patch', delete: 'delete' };
const HTTP_VERBS: Record<string, string> = { POST: 'create', PATCH: 'patch', PUT: 'update', DELETE: 'delete' };

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [{ path: relative(REPO_ROOT, full), text: readFileSync(full, 'utf8') }] : [];
  });
}

function resourceOfRef(expr: string): { group: string; plural: string } | undefined {
  const member = /^Resources\.(\w+)$/.exec(expr.trim());
  if (member) {
    const ref = (Resources as Record<string, { group: string; plural: string }>)[member[1]!];
    return ref && { group: ref.group, plural: ref.plural };
  }
  return RESOURCE_CONSTANTS[expr.trim()];
}

function scanInformers(file: SourceFile, result: ScanResult): void {
  const refs: string[] = [];
  for (const m of file.text.matchAll(/informer(?:<[^>]*>)?\(\s*([\w.]+)\s*\)/g)) refs.push(m[1]!);
  for (const m of file.text.matchAll(/\bprimary:\s*([\w.]+)/g)) refs.push(m[1]!);
  for (const m of file.text.matchAll(/\bowns:\s*\[([^\]]*)\]/g)) {
    for (const r of m[1]!.matchAll(/(Resources\.\w+|\b[A-Z_]+_RESOURCE\b)/g)) refs.push(r[1]!);
  }
  for (const ref of refs) {
    const resource = resourceOfRef(ref);
    if (!resource) {
      if (file.path.startsWith('src/runtime/')) continue; // the runtime's own generic plumbing
      result.unresolved.push({ file: file.path, call: `informer of ${ref}` });
      continue;
    }
    for (const verb of ['list', 'watch']) result.uses.push({ grant: grant(resource.group, resource.plural, verb), file: file.path });
  }
  for (const m of file.text.matchAll(/statusWriter\(\s*([\w.]+)\s*\)/g)) {
    const resource = resourceOfRef(m[1]!);
    if (resource) result.uses.push({ grant: grant(resource.group, `${resource.plural}/status`, 'patch'), file: file.path });
    else if (!file.path.startsWith('src/runtime/')) result.unresolved.push({ file: file.path, call: `statusWriter(${m[1]})` });
  }
}

/** group, resource (with /subresource) and whether a name follows, from a REST path template. */
export function parseRestPath(path: string): { group: string; resource: string; named: boolean } | undefined {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/[^/]+)?\/([a-z]+)(?:\/([^/]+)(?:\/([a-z]+))?)?$/.exec(path);
  if (!m) return undefined;
  const group = m[1] ?? '';
  const named = m[3] !== undefined;
  return { group, resource: m[4] ? `${m[2]}/${m[4]}` : m[2]!, named };
}

function resolvePathExpression(expr: string, file: SourceFile): { group: string; resource: string; named: boolean } | undefined {
  const trimmed = expr.trim();
  const literal = /^`([^`]*)`$/.exec(trimmed);
  if (literal) return parseRestPath(literal[1]!);
  const generic = /^resourcePath\(\s*([\w.]+)\s*,([^)]*)\)$/.exec(trimmed);
  if (generic) {
    const resource = resourceOfRef(generic[1]!);
    return resource && { group: resource.group, resource: resource.plural, named: generic[2]!.split(',').length >= 2 };
  }
  const helper = /^(\w+)\(/.exec(trimmed);
  if (helper && PATH_HELPERS[helper[1]!]) {
    const h = PATH_HELPERS[helper[1]!]!;
    return { group: h.group, resource: h.plural, named: h.named };
  }
  if (/^\w+$/.test(trimmed)) {
    const local = new RegExp(`const ${trimmed}\\s*=\\s*(\`[^\`]*\`)`).exec(file.text);
    if (local) return resolvePathExpression(local[1]!, file);
  }
  return undefined;
}

function scanRestCalls(file: SourceFile, result: ScanResult): void {
  if (file.path.startsWith('src/runtime/')) return; // generic: its callers are scanned instead
  const calls = /\brest\.(getText|get|request|stream)(?:<[^>]*>)?\(\s*(?:'([A-Z]+)'\s*,\s*)?(`[^`]*`|[\w.]+(?:\([^)]*\))?)/g;
  for (const m of file.text.matchAll(calls)) {
    const method = m[1] === 'request' ? m[2]! : 'GET';
    const target = resolvePathExpression(m[3]!, file);
    if (!target) {
      result.unresolved.push({ file: file.path, call: m[0] });
      continue;
    }
    const verb = method === 'GET' ? (m[1] === 'stream' ? 'watch' : target.named ? 'get' : 'list') : HTTP_VERBS[method];
    if (!verb) result.unresolved.push({ file: file.path, call: m[0] });
    else result.uses.push({ grant: grant(target.group, target.resource, verb), file: file.path });
  }
}

function scanBuiltObjects(file: SourceFile, result: ScanResult): void {
  if (file.path.startsWith('src/runtime/')) return; // its typed-client bodies are scanned as calls
  const objects = /apiVersion:\s*'([^']+)',\s*kind:\s*'(\w+)',\s*metadata:\s*\{[^}]*\bnamespace\b/g;
  for (const m of file.text.matchAll(objects)) {
    const kind = KINDS[m[2]!];
    if (!kind) {
      result.unresolved.push({ file: file.path, call: `object of kind ${m[2]}` });
      continue;
    }
    for (const verb of ['create', 'patch']) result.uses.push({ grant: grant(kind.group, kind.plural, verb), file: file.path });
  }
}

function scanTypedClients(file: SourceFile, result: ScanResult): void {
  for (const client of file.text.matchAll(/makeApiClient\((\w+)\)/g)) {
    const group = TYPED_API_GROUPS[client[1]!];
    if (group === undefined) {
      result.unresolved.push({ file: file.path, call: client[0] });
      continue;
    }
    for (const call of file.text.matchAll(/\bapi\.(read|list|create|replace|patch|delete)Namespaced(\w+?)(Status)?\(/g)) {
      const kind = KINDS[call[2]!];
      if (!kind) {
        result.unresolved.push({ file: file.path, call: call[0] });
        continue;
      }
      const resource = call[3] ? `${kind.plural}/status` : kind.plural;
      result.uses.push({ grant: grant(group, resource, TYPED_VERBS[call[1]!]!), file: file.path });
    }
  }
}

/** Every permission the code under src/ needs (the in-pod sidecar makes no API calls). */
export function scanApiUses(srcDir = join(REPO_ROOT, 'src')): ScanResult {
  const result: ScanResult = { uses: [], unresolved: [] };
  for (const file of sourceFiles(srcDir)) {
    scanInformers(file, result);
    scanRestCalls(file, result);
    scanBuiltObjects(file, result);
    scanTypedClients(file, result);
  }
  return result;
}

/** The leader-election Lease name: `<manager name>-leader` (src/runtime/manager.ts), name from src/main.ts. */
export function leaseName(): string {
  const main = readFileSync(join(REPO_ROOT, 'src/main.ts'), 'utf8');
  const name = /new Manager\(\{\s*name:\s*'([^']+)'/.exec(main)?.[1];
  const manager = readFileSync(join(REPO_ROOT, 'src/runtime/manager.ts'), 'utf8');
  if (!name || !manager.includes('`${this.options.name}-leader`')) throw new Error('cannot tell the Lease name from src/main.ts and src/runtime/manager.ts');
  return `${name}-leader`;
}
