/**
 * The contract between the operator and the agent in each HAProxy pod. The agent is the only
 * way in to the pod's admin socket: the operator pushes the rendered haproxy.cfg (so a writer
 * change does not wait for ConfigMap propagation), sets which members are drained, and reads
 * back what HAProxy runs.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Port of the proxy pod's agent; no Service exposes it. */
export const PROXY_AGENT_PORT = 3310;

export const PROXY_HEALTH_PATH = '/healthz';
export const PROXY_STATE_PATH = '/v1/state';
export const PROXY_CONFIG_PATH = '/v1/config';
export const PROXY_DRAINED_PATH = '/v1/drained';

/** Largest request body: a rendered haproxy.cfg of a large cluster stays far below. */
export const PROXY_AGENT_MAX_BODY_BYTES = 256 * 1024;

/** Identifies a config text; the operator compares it with what the agent reports. */
export function configHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export const serverReportSchema = z.object({
  backend: z.string(),
  server: z.string(),
  up: z.boolean(),
  draining: z.boolean(),
  maintenance: z.boolean(),
  /** Current sessions on this server in the running worker. */
  sessions: z.number().int().min(0),
});
export type ServerReport = z.infer<typeof serverReportSchema>;

export const proxyStateSchema = z.object({
  /** Hash of the config file the start script watches (null: none written yet). */
  desiredHash: z.string().nullable(),
  /** Hash of the config HAProxy was last (re)loaded with (null: not started yet). */
  appliedHash: z.string().nullable(),
  /** Whether the admin socket answered; servers is empty when it did not. */
  adminReachable: z.boolean(),
  adminError: z.string().optional(),
  servers: z.array(serverReportSchema),
});
export type ProxyState = z.infer<typeof proxyStateSchema>;

export const configRequestSchema = z.object({ config: z.string().min(1).max(PROXY_AGENT_MAX_BODY_BYTES) });
export type ConfigRequest = z.infer<typeof configRequestSchema>;

export const drainedRequestSchema = z.object({ members: z.array(z.string().min(1).max(253)).max(64) });
export type DrainedRequest = z.infer<typeof drainedRequestSchema>;
