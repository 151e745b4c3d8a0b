/**
 * The events a person may send a job from the visualizer's page, and the frames that carry them: checked at the
 * hub and again in `inspect()`, so neither trusts the other.
 */

export type PersonEvent = { type: 'CANCEL' } | { type: 'PAID' } | { type: 'ANSWER'; text: string };

/** An answer longer than this is refused: a person's reply, not a document. */
export const MAX_ANSWER_CHARS = 4_000;

/** The frame a producer connected with `inspect()` sends first: it takes person events back on this socket. */
export const PRODUCER_HELLO = '@jobcharts.producer';
/** The frame the hub sends such a producer: `{ type, sessionId, event }`, one person event for one root actor. */
export const PERSON_EVENT_FRAME = '@jobcharts.event';

/** `value` as a person event, exactly one of the three with nothing else in it; null for anything else. */
export function personEvent(value: unknown): PersonEvent | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const e = value as Record<string, unknown>;
  const keys = Object.keys(e);
  if ((e.type === 'CANCEL' || e.type === 'PAID') && keys.length === 1) return { type: e.type };
  if (e.type === 'ANSWER' && keys.length === 2 && typeof e.text === 'string' && e.text.trim() !== '' && e.text.length <= MAX_ANSWER_CHARS) {
    return { type: 'ANSWER', text: e.text };
  }
  return null;
}
