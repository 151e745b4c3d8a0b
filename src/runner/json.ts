/**
 * JSON that keeps `Infinity`: a chart's options hold it (no time limit), and plain JSON would store it as `null`.
 */
const POSITIVE = '\u0000Infinity';
const NEGATIVE = '\u0000-Infinity';

export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === Infinity ? POSITIVE : v === -Infinity ? NEGATIVE : v));
}

export function decodeJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => (v === POSITIVE ? Infinity : v === NEGATIVE ? -Infinity : v)) as T;
}
