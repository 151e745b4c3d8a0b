/**
 * The named events a chart receives from the outside world. Transitions are written on these names,
 * so a chart reads like the provider's API doc, and model-based tests send the same events.
 */

/** Our request was refused; each kind ends the job `rejected`. */
export type RejectionKind =
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'payment'
  | 'invalid'
  | 'protocol'
  /**
   * A create without an idempotency key may have reached the provider, but no answer says so (time-out, reset,
   * unreadable 2xx body, restored while in flight): it is not sent again, the job may exist (see `unconfirmedCreate`).
   */
  | 'unconfirmed'
  /** Retry-After longer than `maxRetryAfterMs`. */
  | 'rateLimited'
  /** The transient-retry budget ran out on 5xx, network errors or time-outs. */
  | 'unavailable';

/** The refusals a server sends: the HTTP-level subset of {@link RejectionKind}. */
export type RefusalKind = 'unauthorized' | 'forbidden' | 'notFound' | 'payment' | 'invalid';

export interface RefusalEvent {
  type: `http.${RefusalKind}`;
  httpStatus?: number;
  /** The provider's own error code, when it sends one. */
  code?: string;
  /** The provider's own words. */
  message: string;
}

export interface RateLimitedEvent {
  type: 'http.rateLimited';
  httpStatus: number;
  /** Milliseconds the server asked us to wait; absent when it did not say. */
  retryAfterMs?: number;
  message: string;
}

export type TransientReason = 'server' | 'network' | 'timeout' | 'protocol';

export interface TransientEvent {
  type: 'http.transient';
  reason: TransientReason;
  httpStatus?: number;
  message: string;
  /** The request never left: no connection was made (refused, unknown host, unreachable). Absent: it may have arrived. */
  unsent?: true;
}

export type HttpFailureEvent = RefusalEvent | RateLimitedEvent | TransientEvent;

export interface CancelEvent {
  type: 'CANCEL';
}

export const refusalEventTypes = [
  'http.unauthorized',
  'http.forbidden',
  'http.notFound',
  'http.payment',
  'http.invalid',
] as const satisfies readonly RefusalEvent['type'][];
