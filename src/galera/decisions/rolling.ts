/**
 * Rolling changes (image, my.cnf, resources): the StatefulSet uses OnDelete, so a member keeps
 * its old pod template until the operator deletes its pod. One member at a time: the
 * non-writers from the highest ordinal down, the writer last; each drained from the proxy,
 * deleted, waited for until it is back on the new revision, Synced and Ready, and then until
 * every proxy routes to it again (bounded): the next drain, above all the writer's, must find
 * every other member in service, or a proxy would send the moved writes to a third member.
 *
 * The progress lives in status.rollout (the `record`), so an operator restarted at any step
 * resumes it. A member that does not come back (its container keeps failing, or it is not
 * Synced within the bound) blocks the roll: nobody else is restarted, the others keep serving.
 * When the user reverts the change, the blocked member is on an unwanted revision and is
 * restarted first (it serves nothing), then the roll completes.
 */
import { ConditionReason } from './reasons.js';
import { byOrdinal, podNames } from './observations.js';

export type RolloutPhase = 'Draining' | 'Restarting' | 'WaitingSynced' | 'Returning' | 'Blocked';

/** How long a Synced member may wait for the proxies to route to it before the roll moves on. */
export const PROXY_RETURN_BOUND_MS = 30_000;

/** status.rollout: what the roll is doing now. */
export interface RolloutRecord {
  revision: string;
  /** The member in flight; the proxies treat it as drained. */
  member?: string;
  phase?: RolloutPhase;
  /** When the member's current phase began (ISO 8601, whole seconds). */
  since?: string;
  message?: string;
  /** Members already on `revision`. */
  updated?: number;
}

export interface MemberFailure {
  reason: string;
  message: string;
}

export interface RollingMember {
  pod: string;
  ordinal: number;
  /** The pod's template revision (controller-revision-hash); null when there is no pod. */
  revision: string | null;
  /** The pod is being deleted. */
  terminating: boolean;
  /** The pod's creationTimestamp (ISO 8601), null when there is no pod. */
  createdAt: string | null;
  /** The pod's Ready condition (readiness = Primary ∧ Synced). */
  ready: boolean;
  /** Primary ∧ Synced, read over SQL. */
  synced: boolean;
  /** Why its mariadb container keeps failing (only looked at while it is not serving). */
  failure: MemberFailure | null;
}

/** The member the proxies keep drained for the roll: until it is re-created and on its way back. */
export function drainedForRollout(record: { member?: string; phase?: string } | undefined): string | undefined {
  if (!record?.member) return undefined;
  return record.phase === 'WaitingSynced' || record.phase === 'Returning' ? undefined : record.member;
}

export interface RollingInput {
  /** The StatefulSet's update revision. */
  desiredRevision: string;
  members: readonly RollingMember[];
  /** The proxy's writer: restarted last. */
  writer?: string;
  /** status.rollout as recorded. */
  record?: RolloutRecord;
  /** The member named in `record.member` is drained from every proxy. */
  drained: boolean;
  /** Every proxy routes to the member named in `record.member` again (true without a proxy). */
  returned?: boolean;
  /** Why no member may be restarted now (a recovery, a scale-down), or null. */
  hold: string | null;
  now: Date;
  /** How long a restarted member may take to be re-created, Synced and Ready. */
  comebackBoundMs: number;
}

/** What to do now, the record to write, and the RollingUpdate condition. */
export interface RollingStep {
  action: 'none' | 'drain' | 'restart';
  pod?: string;
  /** The status.rollout to write; undefined clears it. */
  record: RolloutRecord | undefined;
  state: 'upToDate' | 'rolling' | 'blocked';
  reason: ConditionReason;
  message: string;
}

const serving = (m: RollingMember): boolean => m.ready && m.synced;
const hasPod = (m: RollingMember): boolean => m.revision !== null && !m.terminating;

/** Seconds resolution, as Kubernetes timestamps have. */
export function wholeSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Members on another revision than the desired one, in restart order. */
export function rollOrder(input: Pick<RollingInput, 'desiredRevision' | 'members' | 'writer'>): RollingMember[] {
  const outdated = byOrdinal(input.members.filter((m) => m.revision !== null && m.revision !== input.desiredRevision)).reverse();
  // A member failing on an old template serves nothing: restarting it first costs nothing.
  const failing = outdated.filter((m) => !serving(m) && m.failure !== null);
  const rest = outdated.filter((m) => !failing.includes(m));
  return [...failing, ...rest.filter((m) => m.pod !== input.writer), ...rest.filter((m) => m.pod === input.writer)];
}

class Roll {
  readonly rev: string;
  constructor(readonly input: RollingInput) {
    this.rev = input.desiredRevision;
  }

  private get updated(): number {
    return this.input.members.filter((m) => m.revision === this.rev && !m.terminating).length;
  }

  private record(extra: Partial<RolloutRecord>): RolloutRecord {
    return { revision: this.rev, updated: this.updated, ...extra };
  }

  private rolling(record: RolloutRecord, message: string, action: RollingStep['action'] = 'none', pod?: string): RollingStep {
    return { action, ...(pod ? { pod } : {}), record: { ...record, message }, state: 'rolling', reason: ConditionReason.RollingUpdate, message };
  }

  private overdue(since: string | undefined): boolean {
    return since !== undefined && this.input.now.getTime() - Date.parse(since) > this.input.comebackBoundMs;
  }

  private left(except?: RollingMember): number {
    return rollOrder(this.input).filter((m) => m !== except).length;
  }

  restart(m: RollingMember, why: string): RollingStep {
    const record = this.record({ member: m.pod, phase: 'Restarting', since: wholeSeconds(this.input.now) });
    if (!hasPod(m)) return this.rolling(record, `${m.pod} is being re-created on revision ${this.rev}`);
    return this.rolling(record, `restarting ${m.pod} ${why}`, 'restart', m.pod);
  }

  blocked(m: RollingMember, error: string, since: string | undefined): RollingStep {
    const message =
      `${m.pod} does not come back on revision ${this.rev}: ${error}; the roll stopped, ` +
      `${this.left(m)} member(s) still on the previous revision keep serving`;
    return {
      action: 'none', record: { ...this.record({ member: m.pod, phase: 'Blocked', since: since ?? wholeSeconds(this.input.now) }), message },
      state: 'blocked', reason: ConditionReason.RolloutBlocked, message,
    };
  }

  /** Blocked on the same revision: refresh the error when the container tells a newer one. */
  private stillBlocked(record: RolloutRecord, m: RollingMember): RollingStep {
    const failure = this.failureText(m);
    if (failure !== null || record.message === undefined) return this.blocked(m, failure ?? 'it is not Synced', record.since);
    const kept = { ...record, revision: this.rev, updated: this.updated };
    return { action: 'none', record: kept, state: 'blocked', reason: ConditionReason.RolloutBlocked, message: record.message };
  }

  private failureText(m: RollingMember): string | null {
    return m.failure ? `${m.failure.reason}: ${m.failure.message}` : null;
  }

  /** The member in flight; null when it is done (or gone) and the next may be chosen. */
  continueMember(record: RolloutRecord, m: RollingMember): RollingStep | null {
    const { input } = this;
    const onDesired = m.revision === this.rev && !m.terminating;
    switch (record.phase) {
      case 'Restarting': {
        const since = record.since ?? wholeSeconds(input.now);
        const recreated = hasPod(m) && (m.revision === this.rev || (m.createdAt !== null && Date.parse(m.createdAt) >= Date.parse(since)));
        if (recreated) return this.waitSynced(m, wholeSeconds(input.now));
        if (hasPod(m)) return this.rolling(this.record({ ...record, since }), `restarting ${m.pod}: deleting its pod`, 'restart', m.pod);
        if (this.overdue(since)) return this.blocked(m, `its pod was not re-created within ${Math.round(input.comebackBoundMs / 1000)} s`, undefined);
        return this.rolling(this.record({ member: m.pod, phase: 'Restarting', since }), `${m.pod} is being re-created on revision ${this.rev}`);
      }
      case 'WaitingSynced':
        return this.waitSynced(m, record.since ?? wholeSeconds(input.now));
      case 'Returning': {
        if (!(onDesired && serving(m))) return this.waitSynced(m, wholeSeconds(input.now));
        const since = record.since ?? wholeSeconds(input.now);
        if (input.returned !== false || input.now.getTime() - Date.parse(since) >= PROXY_RETURN_BOUND_MS) return null;
        return this.returning(m, since);
      }
      case 'Blocked': {
        if (onDesired && serving(m)) return null;
        if (onDesired || !hasPod(m)) return this.stillBlocked(record, m);
        // The spec changed again (e.g. reverted): the blocked member serves nothing, restart it.
        if (input.hold !== null) return this.blocked(m, `${this.failureText(m) ?? 'not serving'} (held: ${input.hold})`, record.since);
        return this.restart(m, `first: it is blocked on an unwanted revision (${m.revision})`);
      }
      default: {
        // Draining (or a record without a phase).
        if (onDesired && serving(m)) return null;
        const others = input.members.filter((o) => o !== m && !serving(o));
        if (input.hold !== null || others.length > 0) return null; // released: chosen again when possible
        if (!input.drained) {
          return this.rolling(this.record({ member: m.pod, phase: 'Draining', since: record.since ?? wholeSeconds(input.now) }),
            `draining ${m.pod} from the proxy before its restart`);
        }
        return this.restart(m, `(${this.left()} left on the previous revision${m.pod === input.writer ? ', the writer last' : ''})`);
      }
    }
  }

  private returning(m: RollingMember, since: string): RollingStep {
    return this.rolling(this.record({ member: m.pod, phase: 'Returning', since }), `${m.pod} is Synced; waiting for every proxy to route to it again`);
  }

  private waitSynced(m: RollingMember, since: string): RollingStep | null {
    if (m.revision === this.rev && !m.terminating && serving(m)) {
      const known = this.input.record?.member === m.pod;
      return known && this.input.returned === false ? this.returning(m, wholeSeconds(this.input.now)) : null;
    }
    if (hasPod(m) && m.revision !== this.rev) {
      // The desired revision changed while it restarted: it will be rolled again when its turn comes.
      return serving(m) ? null : this.restart(m, `again: its revision ${m.revision} is no longer wanted`);
    }
    const failure = this.failureText(m);
    if (failure !== null) return this.blocked(m, failure, undefined);
    if (this.overdue(since)) return this.blocked(m, `not Synced and Ready within ${Math.round(this.input.comebackBoundMs / 1000)} s`, undefined);
    return this.rolling(this.record({ member: m.pod, phase: 'WaitingSynced', since }), `waiting for ${m.pod} to be Synced and Ready on revision ${this.rev}`);
  }

  chooseNext(): RollingStep {
    const { input } = this;
    const order = rollOrder(input);
    if (order.length === 0) {
      const message = `every member runs revision ${this.rev}`;
      return { action: 'none', record: undefined, state: 'upToDate', reason: ConditionReason.RolloutComplete, message };
    }
    if (input.hold !== null) return this.rolling(this.record({}), `${order.length} member(s) to restart; waiting: ${input.hold}`);
    const target = order[0]!;
    if (hasPod(target) && !serving(target) && target.failure !== null) {
      return this.restart(target, `first: it is failing on an unwanted revision (${target.failure.reason})`);
    }
    // A restart still in flight whose record was lost (or is not in this view of the status):
    // the world says which member it is, so it is waited for (and can block) all the same.
    const since = (m: RollingMember): string =>
      this.input.record?.member === m.pod && this.input.record.since ? this.input.record.since : wholeSeconds(new Date(m.createdAt ?? input.now));
    const absent = byOrdinal(input.members.filter((m) => !hasPod(m)));
    if (absent.length > 0) {
      const m = absent[0]!;
      return this.rolling(this.record({ member: m.pod, phase: 'Restarting', since: since(m) }), `waiting for ${podNames(absent).join(', ')} to be re-created`);
    }
    const comingBack = byOrdinal(input.members.filter((m) => m.revision === this.rev && !serving(m)))[0];
    if (comingBack !== undefined) return this.waitSynced(comingBack, since(comingBack))!;
    const notServing = input.members.filter((m) => !serving(m));
    if (notServing.length > 0) {
      return this.rolling(this.record({}), `waiting for ${podNames(notServing).join(', ')} to be Synced and Ready before restarting ${target.pod}`);
    }
    return {
      ...this.rolling(this.record({ member: target.pod, phase: 'Draining', since: wholeSeconds(input.now) }), `draining ${target.pod} from the proxy before its restart`),
      action: 'drain', pod: target.pod,
    };
  }
}

export function nextRollingStep(input: RollingInput): RollingStep {
  const roll = new Roll(input);
  const record = input.record;
  const inFlight = record?.member ? input.members.find((m) => m.pod === record.member) : undefined;
  if (record && inFlight) {
    const step = roll.continueMember(record, inFlight);
    if (step !== null) return step;
  }
  return roll.chooseNext();
}
