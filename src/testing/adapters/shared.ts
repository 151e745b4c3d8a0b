/**
 * Answers every provider's requests can get, whatever the provider: 429s, transient failures and refusals.
 * An adapter lists them beside its provider's own answers; `refusal` takes the provider's own error body.
 */
import type { AnswerVariant } from '../types.js';

/** Retry-After a job honours (2 s), and one longer than the default `maxRetryAfterMs` (10 min), which ends it. */
export const RETRY_AFTER_SHORT_S = 2;
export const RETRY_AFTER_TOO_LONG_S = 7_200;

export function rateLimitedAnswers(): AnswerVariant[] {
  return [
    {
      label: `http.rateLimited (429, Retry-After ${RETRY_AFTER_SHORT_S} s)`,
      event: { type: 'http.rateLimited', httpStatus: 429, retryAfterMs: RETRY_AFTER_SHORT_S * 1000, message: 'rate limited' },
      step: { http: 429, headers: { 'retry-after': String(RETRY_AFTER_SHORT_S) } },
    },
    {
      label: `http.rateLimited (429, Retry-After ${RETRY_AFTER_TOO_LONG_S} s)`,
      event: { type: 'http.rateLimited', httpStatus: 429, retryAfterMs: RETRY_AFTER_TOO_LONG_S * 1000, message: 'rate limited' },
      step: { http: 429, headers: { 'retry-after': String(RETRY_AFTER_TOO_LONG_S) } },
    },
    {
      label: 'http.rateLimited (429, no Retry-After)',
      event: { type: 'http.rateLimited', httpStatus: 429, message: 'rate limited' },
      step: { http: 429 },
    },
  ];
}

/** Transient failures: a 5xx, a connection reset, and 2xx bodies that cannot be read. */
export function transientAnswers(): AnswerVariant[] {
  const transient = (label: string, reason: string, step: Record<string, unknown>, httpStatus?: number): AnswerVariant => ({
    label: `http.transient (${label})`,
    event: { type: 'http.transient', reason, message: label, ...(httpStatus === undefined ? {} : { httpStatus }) },
    step,
  });
  return [
    transient('503', 'server', { http: 503 }),
    transient('connection reset', 'network', { fault: 'reset' }),
    // The simulator sends these with 200, as the client reports them: a create answered so may have made the job.
    transient('body not JSON', 'protocol', { fault: 'notJson' }, 200),
    transient('truncated JSON', 'protocol', { fault: 'truncated' }, 200),
    transient('502 HTML page', 'server', { fault: 'html' }),
  ];
}

/** The refusals, each with the provider's own error body. */
export function refusalAnswers(body: (code: string, message: string) => unknown): AnswerVariant[] {
  const refusal = (type: string, status: number, code: string, message: string): AnswerVariant => ({
    label: `${type} (${status})`,
    event: { type, httpStatus: status, code, message },
    step: { http: status, body: body(code, message) },
  });
  return [
    refusal('http.unauthorized', 401, 'unauthorized', 'Missing, invalid, or revoked API key.'),
    refusal('http.forbidden', 403, 'forbidden', 'Not allowed.'),
    refusal('http.notFound', 404, 'not_found', 'Unknown job.'),
    refusal('http.payment', 402, 'payment_required', 'Payment required.'),
    refusal('http.invalid', 400, 'invalid_request', 'The request is not valid.'),
  ];
}

/** Every failure any request can get. */
export function failureAnswers(body: (code: string, message: string) => unknown): AnswerVariant[] {
  return [...rateLimitedAnswers(), ...transientAnswers(), ...refusalAnswers(body)];
}

/** Answers not in the simulator's script (wire faults and HTTP answers on calls the provider does not script). */
export function faultOf(step: Record<string, unknown>) {
  if (typeof step.fault === 'string') return { wire: step.fault as never };
  const headers = (step.headers ?? {}) as Record<string, string>;
  const retryAfter = headers['retry-after'];
  return {
    http: step.http as number,
    ...(step.body === undefined ? {} : { body: step.body }),
    ...(retryAfter === undefined ? {} : { retryAfter: { raw: retryAfter } }),
  };
}
