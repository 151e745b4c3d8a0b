/**
 * Removing secrets from inspection data before anyone can see it: API keys, auth headers, and the signatures
 * of signed URLs. Used by the producer-side `inspect` helper and again by the visualizer's hub on receipt.
 */

import { REDACTED, SECRET_QUERY } from '../core/secrets.js';
import { SecretMatcher } from './secret-matcher.js';

export { REDACTED };

/** Property names whose values are secrets wherever they appear (`apiKey`, `Authorization`, `payment_context_token`…). */
const SECRET_PROPERTY =
  /^(?:api[-_]?key|x[-_]api[-_]key|authorization|proxy[-_]authorization|cookie|set[-_]cookie|password|passphrase|signature|sig)$|(?:token|secret)$/i;

/** `Bearer sk-…` / `Basic …` inside free text (an error message quoting a header). */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;

/** Shapes of the providers' keys, for keys this process was never told about (defence in depth). */
const KEY_SHAPE = /\b(?:sk|pk|rk)[-_](?:live|test)?[-_]?[A-Za-z0-9_-]{12,}|\bdpct_[A-Za-z0-9_-]{6,}/g;

/**
 * Learnt values shorter than this are not looked for inside free text: a frame's state names and ids are text
 * too, and "abc" would be cut out of them. A shorter key is still removed where it lives (`input.apiKey`, by
 * property name), and the job itself replaces its key of any length in whatever the provider says (provider-data.ts).
 */
const MIN_SECRET_LENGTH = 6;
/** Nor are values longer than this (no key is): they are removed by property name only, and keep the matcher small. */
const MAX_SECRET_LENGTH = 128;

export interface RedactorLimits {
  /** Secrets remembered at once; the oldest is forgotten to make room. */
  maxSecrets: number;
  /** Secrets one `learnFromInput` call takes from one input; the rest are removed by property name only. */
  maxSecretsPerInput: number;
}

/** The producer's own redactor: its process's secrets, told by the app itself. */
const DEFAULT_REDACTOR_LIMITS: RedactorLimits = { maxSecrets: 1_000, maxSecretsPerInput: 16 };

/**
 * Redacts values by property name, URL query parameter, auth scheme and key shape, and every occurrence of the
 * secrets it was told: the inputs' keys (`learn`, `learnFromInput`), never values found in the data it redacts — a
 * provider's answer could otherwise teach it any word (`token: "sessionId"`) and have it cut out everywhere.
 * Property names are never rewritten: they are the frame's structure.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly limits: RedactorLimits;
  /** All secrets in one automaton: matching a string is one pass over it, whatever their number. */
  private matcher: SecretMatcher | null = null;
  private matcherStale = false;

  constructor(secrets: Iterable<string> = [], limits: Partial<RedactorLimits> = {}) {
    this.limits = { ...DEFAULT_REDACTOR_LIMITS, ...limits };
    for (const secret of secrets) this.learn(secret);
  }

  get secretCount(): number {
    return this.secrets.size;
  }

  /** Remembers a secret value so it is removed wherever it appears later, even inside free text. */
  learn(secret: unknown): boolean {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH || secret === REDACTED) return false;
    if (this.secrets.has(secret)) return false;
    if (this.secrets.size >= this.limits.maxSecrets) this.secrets.delete(this.secrets.values().next().value!);
    this.secrets.add(secret);
    this.matcherStale = true;
    return true;
  }

  /**
   * Learns the secrets a job's input holds under secret property names (`apiKey`, …), up to `maxSecretsPerInput`.
   * Only ever given an input: the person's own settings, never what a provider answered.
   */
  learnFromInput(input: unknown): void {
    let room = this.limits.maxSecretsPerInput;
    const walk = (value: unknown, depth: number): void => {
      if (value === null || typeof value !== 'object' || depth > 8) return;
      for (const [key, inner] of Object.entries(value)) {
        if (room <= 0) return;
        if (SECRET_PROPERTY.test(key)) room -= this.learn(inner) ? 1 : 0;
        else walk(inner, depth + 1);
      }
    };
    walk(input, 0);
  }

  /** A copy of a plain JSON value with every secret replaced by `[redacted]`. */
  redact<T>(value: T): T {
    return this.redactValue(value, 0) as T;
  }

  redactText(text: string): string {
    const matcher = text.length >= MIN_SECRET_LENGTH ? this.secretMatcher() : null;
    return (matcher ? matcher.replace(text, REDACTED) : text)
      .replace(SECRET_QUERY, `$1${REDACTED}`)
      .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
      .replace(KEY_SHAPE, REDACTED);
  }

  /** Rebuilt once after a batch of `learn`s, on the next text to redact. */
  private secretMatcher(): SecretMatcher | null {
    if (this.matcherStale) {
      this.matcher = this.secrets.size > 0 ? new SecretMatcher(this.secrets) : null;
      this.matcherStale = false;
    }
    return this.matcher;
  }

  private redactValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 64) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__proto__') continue;
      out[key] =
        SECRET_PROPERTY.test(key) && inner !== null && inner !== undefined && inner !== '' ? REDACTED : this.redactValue(inner, depth + 1);
    }
    return out;
  }
}

/**
 * A JSON-safe copy of any value: honours `toJSON` (XState snapshots), cuts cycles and depth, names functions.
 * Inspection events carry live objects; this is what makes them safe to redact and send.
 */
export function toPlain(value: unknown, maxDepth = 12): unknown {
  const seen = new WeakSet<object>();
  const walk = (input: unknown, depth: number): unknown => {
    let v = input;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      try {
        v = (v as { toJSON(): unknown }).toJSON();
      } catch {
        return '[unserialisable]';
      }
    }
    if (typeof v === 'function') return { type: v.name || 'function' };
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return '[circular]';
    if (depth >= maxDepth) return '[…]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1) ?? null);
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, inner]) => [String(k), walk(inner, depth + 1)]));
      if (v instanceof Set) return [...v].map((item) => walk(item, depth + 1));
      if (v instanceof Error) return { name: v.name, message: v.message };
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) {
        if (inner === undefined || typeof inner === 'symbol') continue;
        out[key] = walk(inner, depth + 1);
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}
