/**
 * Pure decisions for one HAProxy pod, from what its agent reports: whether to change drain
 * states, whether to push the config, and whether the pod is programmed and the drained
 * member gone from it.
 */
import { configHash, type ProxyState } from '../../proxy-agent/api.js';

export interface HAProxyDesired {
  config: string;
  /** Members to drain: [] or the member being restarted (status.rollout.member). */
  drained: readonly string[];
  /** The drain wait is over: move on even with sessions left. */
  drainTimedOut: boolean;
}

export interface HAProxyPodPlan {
  setDrained: boolean;
  pushConfig: boolean;
  programmed: boolean;
  /** True when nothing is being drained, or the drained member is out and idle here. */
  memberDrained: boolean;
  /** Sessions still on the drained member (0 when none is drained). */
  drainedSessions: number;
}

function drainStatesMatch(state: ProxyState, drained: ReadonlySet<string>): boolean {
  return state.servers.every((s) => s.draining === drained.has(s.server));
}

export function planHAProxyPod(state: ProxyState, desired: HAProxyDesired): HAProxyPodPlan {
  const wantedHash = configHash(desired.config);
  const drained = new Set(desired.drained);
  const drainsOk = state.adminReachable && drainStatesMatch(state, drained);
  const drainedSessions = state.servers.filter((s) => drained.has(s.server)).reduce((n, s) => n + s.sessions, 0);
  // A reload moves sessions to an old worker whose sessions this socket no longer counts, and
  // a writer change ends the old writer's sessions: let the drained member's sessions finish first.
  const hold = drainedSessions > 0 && !desired.drainTimedOut;
  const pushConfig = state.desiredHash !== wantedHash && !hold;
  const programmed = state.appliedHash === wantedHash && drainsOk;
  const memberDrained = drained.size === 0 || (drainsOk && programmed && drainedSessions === 0);
  return { setDrained: state.adminReachable && !drainsOk, pushConfig, programmed, memberDrained, drainedSessions };
}
