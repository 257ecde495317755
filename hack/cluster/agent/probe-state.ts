/** Probe result bookkeeping with success/failure thresholds, as a kubelet's prober keeps it. Pure. */
import type { V1Probe } from '@kubernetes/client-node';

export interface ProbeState {
  /** The current verdict (what the thresholds have confirmed so far). */
  passing: boolean;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(p: V1Probe): ProbeTiming {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export function initialProbeState(passing: boolean): ProbeState {
  return { passing, consecutiveSuccesses: 0, consecutiveFailures: 0 };
}

export function recordProbe(state: ProbeState, ok: boolean, t: Pick<ProbeTiming, 'successThreshold' | 'failureThreshold'>): ProbeState {
  const consecutiveSuccesses = ok ? state.consecutiveSuccesses + 1 : 0;
  const consecutiveFailures = ok ? 0 : state.consecutiveFailures + 1;
  let passing = state.passing;
  if (ok && consecutiveSuccesses >= t.successThreshold) passing = true;
  if (!ok && consecutiveFailures >= t.failureThreshold) passing = false;
  return { passing, consecutiveSuccesses, consecutiveFailures };
}
