/**
 * zod → a structural OpenAPI v3 schema as apiextensions.k8s.io/v1 requires: every node typed,
 * no $ref or anyOf at the type level, integers with int32/int64 formats, int-or-string in the
 * Kubernetes form, no keywords the API server does not know. Anything unexpected throws, so a
 * schema change that would produce a non-structural CRD fails at generation time.
 */
import { z } from 'zod';

export type JsonSchema = { [keyword: string]: unknown };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Output order of keywords: what a node is first, its children next, its CEL rules last. */
const KEYWORD_ORDER = [
  'type', 'format', 'description', 'default', 'nullable', 'enum',
  'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'maxProperties',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'required', 'properties', 'additionalProperties', 'items', 'anyOf',
  'x-kubernetes-validations',
];

function inKeywordOrder(node: JsonSchema): JsonSchema {
  const ordered: JsonSchema = {};
  for (const keyword of KEYWORD_ORDER) if (node[keyword] !== undefined) ordered[keyword] = node[keyword];
  return ordered;
}

/** JSONSchemaProps keywords this project emits. */
const ALLOWED_KEYWORDS = new Set(KEYWORD_ORDER);

const isObject = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The JSON schema of `schema` as people write it (input side, so defaults are shown). */
export function zodToJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', reused: 'inline', cycles: 'throw' }) as JsonSchema;
}

/**
 * `kubectl explain` does not print defaults, so a scalar default is appended to the
 * description ("Default: 3.").
 */
function describeDefault(node: JsonSchema): void {
  const value = node.default;
  if (!['string', 'number', 'boolean'].includes(typeof value) || typeof node.description !== 'string') return;
  const shown = value === '' ? '""' : String(value);
  node.description = `${node.description.replace(/\.?$/, '.')} Default: ${shown}.`;
}

/** Kubernetes' int-or-string: types in anyOf, the string pattern on the node itself. */
function intOrString(node: JsonSchema, where: string): JsonSchema {
  const branches = Array.isArray(node.anyOf) ? node.anyOf.filter(isObject) : [];
  const types = branches.map((branch) => branch.type).sort();
  if (types.join() !== 'integer,string') throw new Error(`${where}: int-or-string must be a union of an integer and a string`);
  const out: JsonSchema = {};
  if (node.description !== undefined) out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
  out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  const pattern = branches.find((branch) => branch.type === 'string')?.pattern;
  if (pattern !== undefined) out.pattern = pattern;
  out['x-kubernetes-int-or-string'] = true;
  return inKeywordOrder(out);
}

/** int32 when zod bounded it so, int64 otherwise; bounds that only say "fits" are dropped. */
function integerFormat(node: JsonSchema): JsonSchema {
  const out = { ...node };
  const is32 = out.maximum === INT32_MAX || out.minimum === INT32_MIN;
  out.format = is32 ? 'int32' : 'int64';
  if (out.minimum === INT32_MIN || out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === INT32_MAX || out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  return out;
}

function structuralNode(node: unknown, where: string): JsonSchema {
  if (!isObject(node)) throw new Error(`${where}: expected a schema object`);
  if (node['x-kubernetes-int-or-string'] === true) return intOrString(node, where);
  let out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === '$schema') continue;
    if (!ALLOWED_KEYWORDS.has(keyword)) throw new Error(`${where}: keyword "${keyword}" is not allowed in a structural schema`);
    out[keyword] = value;
  }
  if (out.anyOf !== undefined) throw new Error(`${where}: anyOf (a zod union) is not structural; use an enum or int-or-string`);
  if (out.type === 'integer') out = integerFormat(out);
  describeDefault(out);
  // zod adds a pattern for its own time format; the API server checks the format itself.
  if (out.format === 'date-time') delete out.pattern;
  if (isObject(out.properties)) {
    const properties: JsonSchema = {};
    for (const [name, child] of Object.entries(out.properties)) properties[name] = structuralNode(child, `${where}.${name}`);
    out.properties = properties;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.additionalProperties; // zod's loose object says "anything else" this way
  } else if (out.additionalProperties !== undefined) {
    if (out.additionalProperties === false) delete out.additionalProperties;
    else out.additionalProperties = structuralNode(out.additionalProperties, `${where}.*`);
  }
  if (out.items !== undefined) out.items = structuralNode(out.items, `${where}[]`);
  if (out.type === undefined && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    throw new Error(`${where}: every node needs a type`);
  }
  if (out.properties !== undefined && out.additionalProperties !== undefined) {
    throw new Error(`${where}: properties and additionalProperties cannot be combined`);
  }
  return inKeywordOrder(out);
}

/** The structural schema of a zod schema; `where` names it in errors. */
export function toStructuralSchema(schema: z.ZodType, where: string): JsonSchema {
  return structuralNode(zodToJsonSchema(schema), where);
}
