/** Turning untrusted spec objects into typed, defaulted values with readable errors. */
import type { z } from 'zod';
import { checkRules, checkTransitionRules, type CelRule } from './rules.js';

export type SpecResult<Spec> = { ok: true; spec: Spec } | { ok: false; errors: string[] };

/** "spec.proxy.type: Invalid option: ..." for each zod issue. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], rootPath: string): string[] {
  return issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
      rootPath,
    );
    return `${path}: ${issue.message}`;
  });
}

/**
 * Parse `input` with `schema` (applying its defaults), then check the cross-field rules and any
 * extra checks the API server cannot do. Errors name the field and say what to do.
 */
export function parseSpec<S extends z.ZodType>(
  schema: S,
  rules: readonly CelRule[],
  input: unknown,
  extraChecks: (spec: z.output<S>) => string[] = () => [],
  rootPath = 'spec',
): SpecResult<z.output<S>> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, rootPath) };
  const errors = [...checkRules(rules, parsed.data, rootPath), ...extraChecks(parsed.data)];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, spec: parsed.data };
}

/** Errors for a change the API server would refuse (immutable fields, shrinking sizes). */
export function checkSpecUpdate(rules: readonly CelRule[], oldSpec: unknown, newSpec: unknown, rootPath = 'spec'): string[] {
  return checkTransitionRules(rules, oldSpec, newSpec, rootPath);
}
