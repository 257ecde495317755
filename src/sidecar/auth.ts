/** Bearer-token check in constant time (digests have equal length whatever the input). */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function bearerMatches(authorizationHeader: string | undefined, token: string): boolean {
  if (!token || !authorizationHeader) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader);
  const presented = match?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}
