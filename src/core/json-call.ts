/**
 * A chart's request described rather than written as a client: what to send, the schema of the 2xx body, and which
 * event of the chart a body means. The chart factory (polling-job.ts) sends it the way every client does (callJson).
 */
import type { EventObject } from 'xstate';
import type { HttpFailureEvent, TransientEvent } from './events.js';
import { callJson, classifyFailure, isJsonBody, requestFor, type ProviderCall, type ProviderRequest, type ProviderWords } from './http.js';
import type { Schema } from './schema.js';

/** One JSON exchange described rather than sent (see {@link jsonCall}): the factory sends it and reads the answer. */
export interface JsonCall<TEvent> {
  readonly send: (call: ProviderCall) => Promise<TEvent | HttpFailureEvent | null>;
}

/**
 * A JSON exchange for a chart's request: `request` to send, `schema` of the 2xx body, `answer` naming the chart's
 * event for a body that matched it. A non-2xx answer becomes `http.rateLimited`, `http.transient` or a refusal, with
 * the provider's words read by `words` (default: none, the status's own meaning); a body the schema refuses is a
 * transient `protocol` failure. Never throws.
 */
export function jsonCall<T, TEvent extends EventObject>(exchange: {
  request: ProviderRequest;
  schema: Schema<T>;
  answer: (body: T) => TEvent | TransientEvent;
  /** Names the body in a protocol failure (default `'answer'`). */
  what?: string;
  /** The provider's code and words in an error body. */
  words?: (body: unknown) => ProviderWords;
}): JsonCall<TEvent> {
  const words = exchange.words ?? (() => ({}));
  return {
    send: async (call) => {
      const got = await callJson({
        request: requestFor(call, exchange.request),
        schema: exchange.schema,
        what: exchange.what ?? 'answer',
        onFailure: (answer) => classifyFailure(answer, words, call.now()),
      });
      return isJsonBody(got) ? exchange.answer(got.body) : got;
    },
  };
}
