/**
 * Everything the command prints goes through here: the values of signed URLs' secret query parameters
 * (`signature=…`, `X-Amz-Signature=…`, `token=…`) and the secrets it was given never reach a terminal, a log
 * file or a CI transcript.
 */
import { redactSignedQueries } from '../core/secrets.js';

const PLACEHOLDER = '<redacted>';

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = redactSignedQueries(text, PLACEHOLDER);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(PLACEHOLDER);
  }
  return out;
}

/**
 * A copy of a JSON value with every string (and property name) redacted. Redact before serialising: once
 * serialised, a secret holding `"` or `\` appears only in its escaped form and no longer matches itself.
 */
export function redactValue<T>(value: T, secrets: readonly (string | undefined)[] = []): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (v === null || typeof v !== 'object') return v;
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return walk((v as { toJSON(): unknown }).toJSON());
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v).map(([key, inner]) => [redact(key, secrets), walk(inner)]));
  };
  return walk(value) as T;
}
