/**
 * An independent reading of the apiextensions.k8s.io/v1 structural-schema rules (and this
 * project's additions: descriptions everywhere, integer formats), used to check the generated
 * CRDs. It shares no code with the generator on purpose.
 */

type Node = Record<string, unknown>;

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const FORBIDDEN = ['$ref', '$schema', '$defs', 'definitions', 'id', 'oneOf', 'allOf', 'not', 'patternProperties', 'dependencies', 'additionalItems', 'uniqueItems'];

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every structural violation in a CRD's openAPIV3Schema, as "path: problem". */
export function structuralViolations(root: Node): string[] {
  const problems: string[] = [];
  const metadata = (root.properties as Node | undefined)?.metadata;
  if (isNode(metadata)) {
    const extra = Object.keys(metadata).filter((key) => key !== 'type' && key !== 'properties');
    const fields = isNode(metadata.properties) ? Object.keys(metadata.properties) : [];
    if (extra.length > 0 || fields.some((f) => f !== 'name' && f !== 'generateName')) {
      problems.push('metadata: only name and generateName may be specified');
    }
  }
  walk(root, 'openAPIV3Schema', problems, { isProperty: false, isRootMetadata: false });
  return problems;
}

interface Place {
  isProperty: boolean;
  isRootMetadata: boolean;
}

function walk(node: unknown, path: string, problems: string[], place: Place): void {
  if (!isNode(node)) {
    problems.push(`${path}: not a schema object`);
    return;
  }
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of FORBIDDEN) if (key in node) problems.push(`${path}: "${key}" is not allowed`);
  if (node.type === undefined && !intOrString && !preserve) problems.push(`${path}: no type`);
  if (node.type !== undefined && !TYPES.has(String(node.type))) problems.push(`${path}: unknown type ${String(node.type)}`);
  if (intOrString && node.type !== undefined) problems.push(`${path}: int-or-string must not have a type`);
  checkAnyOf(node, path, intOrString, problems);
  if (place.isProperty && !place.isRootMetadata && typeof node.description !== 'string') {
    problems.push(`${path}: no description`);
  }
  if (node.type === 'integer' && node.format !== 'int32' && node.format !== 'int64') {
    problems.push(`${path}: integer without int32/int64 format`);
  }
  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    problems.push(`${path}: properties and additionalProperties together`);
  }
  if (node.additionalProperties !== undefined && !isNode(node.additionalProperties)) {
    problems.push(`${path}: additionalProperties must be a schema`);
  }
  if (node.type === 'array' && !isNode(node.items)) problems.push(`${path}: array without a single items schema`);
  if (node.default !== undefined) {
    if (place.isRootMetadata) problems.push(`${path}: default in metadata`);
    for (const problem of valueViolations(node.default, node, `${path}.default`)) problems.push(problem);
  }
  checkListMap(node, path, problems);
  checkValidations(node, path, problems);
  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      const isRootMetadata = path === 'openAPIV3Schema' && name === 'metadata';
      walk(child, `${path}.${name}`, problems, { isProperty: true, isRootMetadata });
    }
  }
  if (isNode(node.additionalProperties)) walk(node.additionalProperties, `${path}.*`, problems, { isProperty: false, isRootMetadata: false });
  if (isNode(node.items)) walk(node.items, `${path}[]`, problems, { isProperty: false, isRootMetadata: false });
}

function checkAnyOf(node: Node, path: string, intOrString: boolean, problems: string[]): void {
  if (node.anyOf === undefined) return;
  if (!intOrString || !Array.isArray(node.anyOf)) {
    problems.push(`${path}: anyOf outside int-or-string`);
    return;
  }
  // Inside anyOf only value validations may appear; this project uses the two bare types.
  for (const branch of node.anyOf) {
    if (!isNode(branch) || (branch.type !== 'integer' && branch.type !== 'string') || Object.keys(branch).length !== 1) {
      problems.push(`${path}: int-or-string anyOf branches must be {type: integer} and {type: string}`);
    }
  }
}

function checkListMap(node: Node, path: string, problems: string[]): void {
  if (node['x-kubernetes-list-type'] !== 'map') return;
  const keys = node['x-kubernetes-list-map-keys'];
  const items = node.items;
  if (!Array.isArray(keys) || keys.length === 0 || !isNode(items) || !isNode(items.properties)) {
    problems.push(`${path}: list-type map needs map keys and object items`);
    return;
  }
  const required = Array.isArray(items.required) ? items.required : [];
  for (const key of keys) {
    if (!(String(key) in items.properties)) problems.push(`${path}: map key ${String(key)} is not a property`);
    if (!required.includes(key)) problems.push(`${path}: map key ${String(key)} must be required`);
  }
}

function checkValidations(node: Node, path: string, problems: string[]): void {
  const rules = node['x-kubernetes-validations'];
  if (rules === undefined) return;
  if (!Array.isArray(rules)) {
    problems.push(`${path}: x-kubernetes-validations must be a list`);
    return;
  }
  for (const rule of rules) {
    if (!isNode(rule) || typeof rule.rule !== 'string' || typeof rule.message !== 'string' || rule.message === '') {
      problems.push(`${path}: a validation needs a rule and a message`);
    }
  }
}

/** Why `value` does not satisfy `schema` (the subset of OpenAPI that the CRDs use). */
export function valueViolations(value: unknown, schema: Node, path: string): string[] {
  const problems: string[] = [];
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!Number.isInteger(value) && typeof value !== 'string') problems.push(`${path}: not an integer or string`);
    if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      problems.push(`${path}: does not match ${schema.pattern}`);
    }
    return problems;
  }
  switch (schema.type) {
    case 'object':
      if (!isNode(value)) return [`${path}: not an object`];
      for (const key of Array.isArray(schema.required) ? schema.required : []) {
        if (!(String(key) in value)) problems.push(`${path}: missing required ${String(key)}`);
      }
      for (const [key, child] of Object.entries(value)) {
        const props = isNode(schema.properties) ? schema.properties : undefined;
        const childSchema = props?.[key] ?? schema.additionalProperties;
        if (isNode(childSchema)) problems.push(...valueViolations(child, childSchema, `${path}.${key}`));
        else if (schema['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(`${path}.${key}: unknown field`);
      }
      return problems;
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${path}: too many items`);
      if (isNode(schema.items)) {
        for (const [i, item] of value.entries()) problems.push(...valueViolations(item, schema.items, `${path}[${i}]`));
      }
      return problems;
    case 'string':
      if (typeof value !== 'string') return [`${path}: not a string`];
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${path}: too short`);
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${path}: too long`);
      if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: not one of ${schema.enum.join(', ')}`);
      return problems;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${path}: not a ${schema.type}`];
      if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
      if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) problems.push(`${path}: not int32`);
      return problems;
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    default:
      return [`${path}: cannot check a value against type ${String(schema.type)}`];
  }
}
