/**
 * Restart decisions and crash-loop backoff. Pure. The backoff doubles from 1 s and is capped at
 * 10 s (a kubelet uses 10 s..5 min; a test cluster wants quick recovery), and resets once a
 * container has run for 10 minutes.
 */

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 10_000;
export const BACKOFF_RESET_AFTER_MS = 10 * 60_000;

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/** Delay before the next start, given how many consecutive quick crashes preceded it (1 = first). */
export function backoffDelay(consecutiveCrashes: number): number {
  if (consecutiveCrashes <= 0) return 0;
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(consecutiveCrashes - 1, 20));
}

/** The crash counter after a run of `ranForMs`: a long healthy run resets the backoff. */
export function nextCrashCount(previous: number, ranForMs: number): number {
  return ranForMs >= BACKOFF_RESET_AFTER_MS ? 1 : previous + 1;
}
