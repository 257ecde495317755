/** A container's environment, resolved like a kubelet does. Pure: objects are fetched by the caller. */
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { KUBERNETES_SERVICE } from './config.js';
import { fieldPathValue, resourceFieldValue, type PodAddresses } from './fieldpath.js';
import type { ImageDefaults } from './images.js';

/** Decoded data of a ConfigMap or Secret (data and binaryData together); null when it does not exist. */
export type KeyedData = Record<string, Buffer>;
export type ObjectLookup = ReadonlyMap<string, KeyedData | null>;

export interface EnvSources extends PodAddresses {
  configMaps: ObjectLookup;
  secrets: ObjectLookup;
}

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Names of ConfigMaps and Secrets a container's env refers to, so the caller can fetch them. */
export function envReferences(container: V1Container): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
    if (from.secretRef?.name) secrets.add(from.secretRef.name);
  }
  for (const v of container.env ?? []) {
    if (v.valueFrom?.configMapKeyRef?.name) configMaps.add(v.valueFrom.configMapKeyRef.name);
    if (v.valueFrom?.secretKeyRef?.name) secrets.add(v.valueFrom.secretKeyRef.name);
  }
  return { configMaps, secrets };
}

/** Expand `$(NAME)` from `env`; `$$(NAME)` is an escaped literal; unknown names stay as written. */
export function expandVars(input: string, env: Readonly<Record<string, string>>): string {
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? (env[name] ?? '') : match;
  });
}

function baseEnv(pod: V1Pod): Record<string, string> {
  const { host, port } = KUBERNETES_SERVICE;
  return {
    PATH: DEFAULT_PATH,
    HOME: '/root',
    HOSTNAME: podHostname(pod),
    KUBERNETES_SERVICE_HOST: host,
    KUBERNETES_SERVICE_PORT: String(port),
    KUBERNETES_SERVICE_PORT_HTTPS: String(port),
    KUBERNETES_PORT: `tcp://${host}:${port}`,
    KUBERNETES_PORT_443_TCP: `tcp://${host}:${port}`,
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: String(port),
    KUBERNETES_PORT_443_TCP_ADDR: host,
  };
}

/** The pod's host name: spec.hostname, else its name (at most 63 characters). */
export function podHostname(pod: V1Pod): string {
  return (pod.spec?.hostname ?? pod.metadata?.name ?? 'pod').slice(0, 63);
}

const VALID_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function keyRef(
  kind: string, lookup: ObjectLookup, ref: { name?: string; key: string; optional?: boolean },
): { value?: string; error?: string } {
  const data = lookup.get(ref.name ?? '');
  if (data == null) return ref.optional ? {} : { error: `${kind} "${ref.name}" not found` };
  const value = data[ref.key];
  if (value === undefined) return ref.optional ? {} : { error: `couldn't find key ${ref.key} in ${kind} ${ref.name}` };
  return { value: value.toString('utf8') };
}

function envVarValue(
  v: V1EnvVar, pod: V1Pod, container: V1Container, src: EnvSources, env: Record<string, string>,
): { value?: string; error?: string } {
  const from = v.valueFrom;
  if (!from) return { value: expandVars(v.value ?? '', env) };
  if (from.fieldRef) {
    const value = fieldPathValue(pod, src, from.fieldRef.fieldPath);
    return value === undefined ? { error: `unsupported fieldPath ${from.fieldRef.fieldPath}` } : { value };
  }
  if (from.resourceFieldRef) return { value: resourceFieldValue(container, from.resourceFieldRef) };
  if (from.configMapKeyRef) return keyRef('configmap', src.configMaps, from.configMapKeyRef);
  if (from.secretKeyRef) return keyRef('secret', src.secrets, from.secretKeyRef);
  return { error: `env ${v.name}: unsupported valueFrom` };
}

export function resolveEnv(pod: V1Pod, container: V1Container, src: EnvSources): EnvResult {
  const env = baseEnv(pod);
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const data = (from.configMapRef ? src.configMaps : src.secrets).get(ref?.name ?? '');
    if (data == null) {
      if (ref?.optional) continue;
      return { ok: false, message: `${kind} "${ref?.name}" not found` };
    }
    for (const [key, value] of Object.entries(data)) {
      const name = `${from.prefix ?? ''}${key}`;
      if (VALID_NAME.test(name)) env[name] = value.toString('utf8');
    }
  }
  for (const v of container.env ?? []) {
    const { value, error } = envVarValue(v, pod, container, src, env);
    if (error) return { ok: false, message: error };
    if (value !== undefined) env[v.name] = value;
  }
  return { ok: true, env };
}

/**
 * The argv to exec, with `$(VAR)` expanded, by the container runtime's rules: `command`
 * replaces the image's entrypoint (and drops its default args), `args` replace its default args.
 */
export function containerArgv(container: V1Container, image: ImageDefaults, env: Record<string, string>): string[] | undefined {
  const argv = container.command?.length
    ? [...container.command, ...(container.args ?? [])]
    : [...image.entrypoint, ...(container.args?.length ? container.args : image.cmd)];
  if (!argv.length) return undefined;
  return argv.map((s) => expandVars(s, env));
}
