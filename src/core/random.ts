/**
 * Randomness from Web Crypto (`globalThis.crypto`), which Node ≥ 20, Deno, Bun, browsers and edge workers all have:
 * the charts never import `node:crypto`.
 */

export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/**
 * A version 4 UUID. `crypto.randomUUID` exists only in secure contexts in browsers (https, localhost): an app
 * served over plain http elsewhere still gets one, built from `getRandomValues` as RFC 9562 section 5.4 says.
 */
export function randomUUID(): string {
  // Node builds its UUID as a chain of 15 concatenated strings (about 490 bytes, kept by every job that holds one as
  // its idempotency key); `toLowerCase()` hands back the same text as one flat string of 36 bytes (~70).
  if (typeof globalThis.crypto.randomUUID === 'function') return globalThis.crypto.randomUUID().toLowerCase();
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
