/**
 * What a provider says is untrusted data. Before any of it becomes a chart's event (and so context, snapshots,
 * outcomes and inspection frames) it passes here once: cut to a bounded size and depth, and with the job's own
 * key replaced wherever the provider echoed it back.
 */

import { REDACTED } from './secrets.js';

/** The limits on one event's provider data. A provider's real answers stay far below each of them. */
export const PROVIDER_DATA_LIMITS = {
  /** Levels of objects and arrays below the event itself; deeper values are dropped. */
  maxDepth: 8,
  /** Characters of one string; a longer one is cut and ends with `…`. */
  maxStringChars: 32 * 1024,
  /** Items of one array; the rest are dropped. */
  maxArrayItems: 200,
  /** Properties of one object; the rest are dropped. */
  maxObjectKeys: 100,
  /** Characters of all strings and property names of one event together; what comes after is dropped. */
  maxTotalChars: 256 * 1024,
} as const;

/** The chart's own words in an event: never provider text, and a chart's transitions depend on them as they are. */
const OWN_FIELDS = new Set(['type', 'reason']);

/**
 * The forms a key may take in a provider's text: as sent, URL-encoded (in a link), JSON-escaped (in a body quoted
 * as text) and HTML-escaped (in an error page). Longest first, so a form that contains another is replaced whole.
 */
export function secretForms(key: string | undefined): readonly string[] {
  if (!key) return NO_FORMS;
  if (key === memo.key) return memo.forms;
  const forms = new Set([
    key,
    encodeURIComponent(key),
    encodeURIComponent(key).replace(/%20/g, '+'),
    encodeURI(key),
    JSON.stringify(key).slice(1, -1),
    key.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]),
  ]);
  memo = { key, forms: [...forms].filter((form) => form !== '').sort((a, b) => b.length - a.length) };
  return memo.forms;
}

const NO_FORMS: readonly string[] = [];
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Most processes run every job on one key: its forms are built once. */
let memo: { key: string; forms: readonly string[] } = { key: '', forms: NO_FORMS };

/** `text` with every form of the key replaced by `[redacted]`. */
export function hideSecrets(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * A copy of a chart's event that is safe to keep: plain JSON values only, within {@link PROVIDER_DATA_LIMITS},
 * with the key (`forms`, see {@link secretForms}) replaced in every string but the chart's own `type` and `reason`.
 * Property names are never rewritten: a provider's property named with the key is dropped whole (see `nameShowsKey`).
 */
export function boundProviderEvent<T extends object>(event: T, forms: readonly string[]): T {
  const walk = new BoundedCopy(forms);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    // The event's own property names are the client's, not the provider's: only their values are provider data.
    if (OWN_FIELDS.has(name) && typeof value === 'string') out[name] = value;
    else walk.set(out, name, value, 0);
  }
  return out as T;
}

/** One copy's walk: the budget of characters is shared by the whole value. */
class BoundedCopy {
  private charsLeft: number = PROVIDER_DATA_LIMITS.maxTotalChars;

  constructor(private readonly forms: readonly string[]) {}

  /** Sets `target[name]` to the copy of `value`, unless the copy is nothing. */
  set(target: Record<string, unknown>, name: string, value: unknown, depth: number): void {
    this.charsLeft -= name.length;
    const copied = this.copy(value, depth);
    if (copied !== undefined) target[name] = copied;
  }

  /**
   * A provider's property name that shows the key: one that is a form of it, or holds one of 6 characters or
   * more. A shorter key is not looked for inside names, which are structure: every short word is part of some
   * field's name (`e` of `message`), and dropping those would break the event's shape.
   */
  private nameShowsKey(name: string): boolean {
    return this.forms.some((form) => name === form || (form.length >= 6 && name.includes(form)));
  }

  copy(value: unknown, depth: number): unknown {
    if (this.charsLeft <= 0) return undefined;
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
        return Number.isFinite(value) ? value : undefined;
      case 'boolean':
        return value;
      case 'object':
        if (value === null) return null;
        if (depth >= PROVIDER_DATA_LIMITS.maxDepth) return undefined;
        return Array.isArray(value) ? this.list(value, depth + 1) : this.record(value as Record<string, unknown>, depth + 1);
      default:
        return undefined;
    }
  }

  private text(value: string): string {
    // Cut only after the key is replaced: a cut must never leave the start of a key behind.
    const hidden = hideSecrets(value, this.forms);
    const limit = Math.min(PROVIDER_DATA_LIMITS.maxStringChars, Math.max(this.charsLeft, 0));
    const kept = hidden.length > limit ? `${hidden.slice(0, limit)}…` : hidden;
    this.charsLeft -= kept.length;
    return kept;
  }

  private list(items: unknown[], depth: number): unknown[] {
    const out: unknown[] = [];
    const count = Math.min(items.length, PROVIDER_DATA_LIMITS.maxArrayItems);
    for (let i = 0; i < count && this.charsLeft > 0; i++) {
      const copied = this.copy(items[i], depth);
      if (copied !== undefined) out.push(copied);
    }
    return out;
  }

  private record(value: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let kept = 0;
    for (const name in value) {
      if (!Object.hasOwn(value, name)) continue;
      if (kept++ >= PROVIDER_DATA_LIMITS.maxObjectKeys || this.charsLeft <= 0) break;
      if (name === '__proto__' || this.nameShowsKey(name)) continue;
      this.set(out, name, value[name], depth);
    }
    return out;
  }
}

