/**
 * Secret scrubbing shared by the logger and the event recorder: values under secret-looking
 * keys, the data of Secret objects, and `key=value` fragments in free text are masked.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets; references to secrets (…Name, …Ref, …File) are not. */
const SECRET_KEY = /(pass(word|wd|phrase)?$|password|token|authorization|cookie|secret|private.?key|api.?key|credential)/i;
const REFERENCE_SUFFIX = /(name|names|ref|path|file|namespace|keys?ref)$/i;
const MAX_DEPTH = 12;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !REFERENCE_SUFFIX.test(key);
}

function isSecretObject(value: Record<string, unknown>): boolean {
  return value.kind === 'Secret' && (value.apiVersion === 'v1' || value.apiVersion === undefined);
}

/** A deep copy of `value` with secrets masked. Cycles and very deep values are cut. */
export function redactSecrets(value: unknown): unknown {
  return redactValue(value, 0, new WeakSet());
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Error) return redactError(value, depth, seen);
    if (value instanceof Date || Buffer.isBuffer(value)) return value;
    const source = value as Record<string, unknown>;
    const secretObject = isSecretObject(source);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(source)) {
      if (isSecretKey(key) && inner !== undefined && inner !== null && inner !== '') {
        out[key] = REDACTED;
      } else if (secretObject && (key === 'data' || key === 'stringData')) {
        out[key] = REDACTED;
      } else {
        out[key] = redactValue(inner, depth + 1, seen);
      }
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.name,
    message: redactText(err.message),
    stack: err.stack ? redactText(err.stack) : undefined,
  };
  for (const [key, inner] of Object.entries(err)) {
    out[key] = isSecretKey(key) ? REDACTED : redactValue(inner, depth + 1, seen);
  }
  return out;
}

/** `password=…`, `token: …`, `"secret":"…"`, `Authorization: Bearer …`, `user:pass@host` in text. */
const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',;]+/gi, `$1$2 ${REDACTED}`],
  [
    /(["']?[\w.-]*(?:password|passwd|pwd|token|secret|api[_-]?key)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}]+)/gi,
    `$1${REDACTED}`,
  ],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
