/** Errors from the API server, typed by what a caller does about them. */

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 409 from an apply (field owned by another manager) or an update with a stale resourceVersion. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}

export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  details?: unknown;
}

function parseBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  return (body ?? {}) as StatusBody;
}

/** Builds the typed error for an HTTP status and a (JSON) metav1.Status body. */
export function apiErrorFrom(statusCode: number, body: unknown, fallback = 'request failed'): ApiError {
  const status = parseBody(body);
  const message = `${status.message ?? fallback} (HTTP ${statusCode})`;
  const reason = status.reason ?? '';
  if (statusCode === 409) return new ConflictError(statusCode, reason, message, status.details);
  if (statusCode === 404) return new NotFoundError(statusCode, reason, message, status.details);
  return new ApiError(statusCode, reason, message, status.details);
}

/** Converts @kubernetes/client-node's ApiException (code + body) into our typed errors. */
export function fromClientError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  const e = err as { code?: unknown; body?: unknown; message?: string };
  if (typeof e?.code === 'number' && e.code >= 400) return apiErrorFrom(e.code, e.body, e.message);
  return err;
}

export const isConflict = (err: unknown): err is ConflictError => err instanceof ConflictError;
export const isNotFound = (err: unknown): err is NotFoundError => err instanceof NotFoundError;
