/**
 * Cross-field rules, written once: the API server enforces them as CEL `x-kubernetes-validations`
 * (the generator places each at `at`) and the operator enforces the same rules with `holds`,
 * because zod refinements do not survive conversion to a CRD and a spec may also reach the
 * operator from older stored objects.
 */

export type CelReason = 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

/** Path segment that stands for "every item of this list". */
export const EACH_ITEM = '[]';

export interface CelRule {
  /** Where the rule sits, as property names below the spec; EACH_ITEM steps into list items. */
  at: readonly string[];
  /** CEL evaluated by the API server with `self` (and `oldSelf` for transition rules). */
  rule: string;
  /** Shown to the person whose change was refused; says what to do. */
  message: string;
  /** The field the message is about, relative to `at` (e.g. ".replicas"). */
  fieldPath?: string;
  reason?: CelReason;
  /** Transition rules compare with the stored object; they are checked only on update. */
  transition?: boolean;
  /** The same rule for the operator; `self`/`oldSelf` are the values at `at`. */
  holds: (self: unknown, oldSelf?: unknown) => boolean;
}

/** A rule whose `holds` is typed by the value found at `at`. */
export type TypedCelRule<Self> = Omit<CelRule, 'holds'> & { holds: (self: Self, oldSelf: Self) => boolean };

/** Declares a rule; `Self` is the (defaulted) type of the value at `at`. */
export function celRule<Self>(rule: TypedCelRule<Self>): CelRule {
  return rule as unknown as CelRule;
}

/** The CEL part of a rule, as it goes into the CRD. */
export function toValidation(rule: CelRule): Record<string, string> {
  const validation: Record<string, string> = { rule: rule.rule, message: rule.message };
  if (rule.fieldPath) validation.fieldPath = rule.fieldPath;
  if (rule.reason) validation.reason = rule.reason;
  return validation;
}

interface Located {
  path: string;
  value: unknown;
}

/** Every value at `at` below `root`, with its printable path; absent fields yield nothing. */
function locate(root: unknown, at: readonly string[], rootPath: string): Located[] {
  let found: Located[] = [{ path: rootPath, value: root }];
  for (const segment of at) {
    const next: Located[] = [];
    for (const { path, value } of found) {
      if (segment === EACH_ITEM) {
        if (Array.isArray(value)) value.forEach((item, i) => next.push({ path: `${path}[${i}]`, value: item }));
      } else if (value !== null && typeof value === 'object' && segment in value) {
        const child = (value as Record<string, unknown>)[segment];
        if (child !== undefined) next.push({ path: `${path}.${segment}`, value: child });
      }
    }
    found = next;
  }
  return found;
}

function describeFailure(rule: CelRule, path: string): string {
  return `${path}${rule.fieldPath ?? ''}: ${rule.message}`;
}

/** Messages of the non-transition rules that `spec` breaks (empty when all hold). */
export function checkRules(rules: readonly CelRule[], spec: unknown, rootPath = 'spec'): string[] {
  const errors: string[] = [];
  for (const rule of rules.filter((r) => !r.transition)) {
    for (const { path, value } of locate(spec, rule.at, rootPath)) {
      if (!rule.holds(value)) errors.push(describeFailure(rule, path));
    }
  }
  return errors;
}

/**
 * Messages of the transition rules that the change from `oldSpec` to `newSpec` breaks. Like the
 * API server, a rule is checked only where the old and the new object both have a value; rules
 * inside lists are not supported here (none needs it).
 */
export function checkTransitionRules(
  rules: readonly CelRule[],
  oldSpec: unknown,
  newSpec: unknown,
  rootPath = 'spec',
): string[] {
  const errors: string[] = [];
  for (const rule of rules.filter((r) => r.transition)) {
    if (rule.at.includes(EACH_ITEM)) throw new Error(`transition rule inside a list is not supported: ${rule.rule}`);
    const [now] = locate(newSpec, rule.at, rootPath);
    const [before] = locate(oldSpec, rule.at, rootPath);
    if (now && before && !rule.holds(now.value, before.value)) errors.push(describeFailure(rule, now.path));
  }
  return errors;
}
