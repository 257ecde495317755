import { isDeepStrictEqual } from 'node:util';
import type { Condition } from './conditions.js';

type Status = Record<string, unknown>;

function conditionsOf(status: Status | undefined): Condition[] | undefined {
  const value = status?.conditions;
  return Array.isArray(value) ? (value as Condition[]) : undefined;
}

/**
 * Carries lastTransitionTime over from the observed status for every condition whose status
 * did not change, so a reconciler that rebuilds its conditions each time causes no churn.
 */
export function carryTransitionTimes(desired: Status, observed: Status | undefined): Status {
  const wanted = conditionsOf(desired);
  const seen = conditionsOf(observed);
  if (!wanted || !seen) return desired;
  const conditions = wanted.map((c) => {
    const old = seen.find((o) => o.type === c.type);
    return old && old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
  return { ...desired, conditions };
}

/** Drops undefined fields, as the JSON round trip through the API server would. */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** True when writing `desired` would change nothing that matters compared with `observed`. */
export function statusUnchanged(desired: Status, observed: Status | undefined): boolean {
  return isDeepStrictEqual(normalize(carryTransitionTimes(desired, observed)), normalize(observed ?? {}));
}
