/**
 * Zod building blocks for Kubernetes-shaped fields. Annotations the CRD needs (int-or-string,
 * list types, preserve-unknown-fields) ride along as zod metadata, which z.toJSONSchema copies
 * into the generated schema.
 */
import { z } from 'zod';
import { QUANTITY_PATTERN } from './quantity.js';

/** RFC 1123 label: what Kubernetes accepts as a name that also appears in other names. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1123 subdomain: object names such as MySQLBackup names. */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export const int32 = () => z.int32();
/** A 64-bit integer on the wire; JavaScript holds it exactly up to 2^53. */
export const int64 = () => z.int();

export const dnsLabel = (maxLength = 63) =>
  z.string().min(1).max(maxLength).regex(new RegExp(DNS_LABEL_PATTERN));

export const dnsSubdomain = () => z.string().min(1).max(253).regex(new RegExp(DNS_SUBDOMAIN_PATTERN));

/** A quantity that is always written as a string, e.g. "10Gi". */
export const quantityString = () => z.string().max(64).regex(new RegExp(QUANTITY_PATTERN));

/** A quantity as core types accept it: an integer or a string such as "500m". */
export const quantity = () =>
  z.union([z.int(), quantityString()]).meta({ 'x-kubernetes-int-or-string': true });

/** A map of strings, e.g. labels, annotations or a nodeSelector. */
export const stringMap = () => z.record(z.string(), z.string());

/** RFC 3339 time as Kubernetes writes it ("2026-11-27T16:39:00Z"). */
export const timestamp = () => z.iso.datetime();

/** Marks an array as a map keyed by the given item fields (server-side apply merges by key). */
export const listMap = (...keys: string[]) => ({
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});

/** An object whose unlisted fields are kept as they are (pass-through of core API structs). */
export const PRESERVE_UNKNOWN = { 'x-kubernetes-preserve-unknown-fields': true } as const;

/** corev1.ResourceRequirements without claims (describe it where it is used). */
export const resourceRequirements = () =>
  z.object({
    requests: z
      .record(z.string(), quantity())
      .optional()
      .describe('Minimum resources the scheduler reserves, e.g. {cpu: 500m, memory: 1Gi}.'),
    limits: z
      .record(z.string(), quantity())
      .optional()
      .describe('Maximum resources the container may use, e.g. {memory: 2Gi}.'),
  });

/** corev1.Toleration. */
export const toleration = () =>
  z.object({
    key: z.string().max(316).optional().describe('Taint key to tolerate; empty with operator Exists matches every taint.'),
    operator: z
      .enum(['Exists', 'Equal'])
      .optional()
      .describe('Exists matches any value; Equal (the Kubernetes default) needs value to match.'),
    value: z.string().max(63).optional().describe('Taint value to match when operator is Equal.'),
    effect: z
      .enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])
      .optional()
      .describe('Taint effect to match; empty matches all effects.'),
    tolerationSeconds: int64()
      .optional()
      .describe('For NoExecute: how long the pod stays bound after the taint appears; unset means forever.'),
  });

/** corev1.TopologySpreadConstraint: the usual fields checked, the rest passed through. */
export const topologySpreadConstraint = () =>
  z
    .looseObject({
      maxSkew: int32().min(1).describe('How unevenly the members may be spread across topology domains.'),
      topologyKey: z.string().min(1).max(316).describe('Node label that defines a domain, e.g. topology.kubernetes.io/zone.'),
      whenUnsatisfiable: z
        .enum(['DoNotSchedule', 'ScheduleAnyway'])
        .describe('DoNotSchedule keeps a pod pending; ScheduleAnyway only prefers the spread.'),
    })
    .meta(PRESERVE_UNKNOWN);

/** metav1.Condition, with the same limits as Kubernetes uses. */
export const condition = () =>
  z.object({
    type: z
      .string()
      .max(316)
      .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/)
      .describe('Condition type in CamelCase, e.g. Ready.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Whether the condition holds: True, False or Unknown.'),
    observedGeneration: int64()
      .min(0)
      .optional()
      .describe('The metadata.generation the condition was computed for.'),
    lastTransitionTime: timestamp().describe('When the status last changed.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe('A CamelCase word for why the condition is in this state (see the README troubleshooting table).'),
    message: z.string().max(32768).describe('What happened, in words a person can act on.'),
  });
