import { ofetch } from 'ofetch';
import type { z } from 'zod';
import type { HttpFailureEvent, RefusalEvent, TransientEvent } from './events.js';
import { parseRetryAfter } from './delay.js';
import { redactSignedQueries } from './secrets.js';
import { describeSchemaError } from './schema.js';

/** A response as it came off the wire: the body is kept as text so an unreadable body is an outcome, not a throw. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body was longer than {@link MAX_BODY_BYTES}: `text` holds only its start, the rest was never read. */
  bodyTooLarge?: true;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs: number;
  /**
   * This one request's controller: aborting it cancels the request. The time-out aborts it too, so a request
   * costs one controller, not one for the caller and one for the time-out.
   */
  controller: AbortController;
}

/**
 * Bodies larger than this are not read to the end (the connection is dropped), so a runaway answer cannot fill
 * memory: a provider's answers are a few kB.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Sends one request. Resolves with the answer whatever its status, or with a transient failure event
 * for network errors and time-outs. Resolves `null` when the caller aborted `controller` (the job was cancelled).
 */
export async function sendRequest(request: HttpRequest): Promise<HttpAnswer | TransientEvent | null> {
  // ofetch ignores its `timeout` when a `signal` is given: the time-out is ours, and it covers the body too.
  const { controller } = request;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  try {
    const hasBody = request.json !== undefined;
    const response = await ofetch.raw(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body: hasBody ? JSON.stringify(request.json) : undefined,
      responseType: 'stream',
      ignoreResponseError: true,
      retry: false,
      // No provider documents redirects; following one would carry custom auth headers (X-Api-Key) to another host.
      redirect: 'manual',
      signal: controller.signal,
    });
    const body = await readCapped(response._data as ReadableStream<Uint8Array> | null | undefined, MAX_BODY_BYTES);
    return { status: response.status, headers: response.headers, ...body };
  } catch (error) {
    if (timedOut) return { type: 'http.transient', reason: 'timeout', message: `no answer within ${request.timeoutMs} ms` };
    if (controller.signal.aborted) return null;
    return networkFailure(error, request);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a body as UTF-8 text, up to `maxBytes`; a longer body is cut there and the rest is never read. */
async function readCapped(
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<{ text: string; bodyTooLarge?: true }> {
  if (!stream) return { text: '' };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: utf8(chunks, size) };
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      chunks.push(value.subarray(0, value.byteLength - (size - maxBytes)));
      return { text: utf8(chunks, maxBytes), bodyTooLarge: true };
    }
    chunks.push(value);
  }
}

/**
 * One decoder for every body (making one per request costs more than reading a small body): a body is decoded
 * whole, not streamed, so the decoder keeps no state from one call to the next.
 */
const decoder = new TextDecoder();

/** The chunks as UTF-8 text (a character cut by the cap becomes U+FFFD). */
function utf8(chunks: Uint8Array[], size: number): string {
  return decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
}

/** Plain words for the network errors a user most often meets, after the code itself. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused by',
  ENOTFOUND: 'no such host:',
  EAI_AGAIN: 'host name not resolved (DNS lookup timed out):',
  ECONNRESET: 'connection reset by',
  ETIMEDOUT: 'connection timed out to',
  EHOSTUNREACH: 'host unreachable:',
  ENETUNREACH: 'network unreachable to',
};

/**
 * The failure as a user can act on it: the error's code (`ECONNREFUSED`, `ENOTFOUND`…) and the host it happened with.
 * Without a code, the innermost error's own words (fetch's "bad port"), unless they quote a header (and so the key).
 */
function networkFailure(error: unknown, request: HttpRequest): TransientEvent {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  const code = chain.map((e) => (e as { code?: string }).code).find((c) => typeof c === 'string');
  const innermost = chain[chain.length - 1] as Error | undefined;
  const words = typeof innermost?.message === 'string' ? innermost.message : '';
  const quotesHeader = Object.values(request.headers ?? {}).some((value) => value !== '' && words.includes(value));
  const detail = code ?? (words && !quotesHeader ? words : (innermost?.name ?? 'network error'));
  const host = hostOf(request.url);
  const where = code && NETWORK_CODES[code] ? `${NETWORK_CODES[code]} ${host}` : host;
  return { type: 'http.transient', reason: 'network', message: `request failed: ${detail} (${where})` };
}

/** host:port of a URL: never its path or query, where a signed URL keeps its signature. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown host';
  }
}

/** A provider's own words in an error body, as read by its client. */
export interface ProviderWords {
  code?: string;
  message?: string;
}

/** Parses a body as JSON without throwing: `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turns a non-2xx answer into the chart's named event, with the provider's own code and words
 * (read by `readWords` from the body) and the generic HTTP meaning of the status.
 */
export function classifyFailure(
  answer: HttpAnswer,
  readWords: (body: unknown) => ProviderWords,
  now: number,
): HttpFailureEvent {
  const words = readWords(parseJson(answer.text));
  const message = words.message ?? fallbackMessage(answer);
  const code = words.code;
  const { status } = answer;
  if (status === 429) {
    return {
      type: 'http.rateLimited',
      httpStatus: status,
      retryAfterMs: parseRetryAfter(answer.headers.get('retry-after'), now),
      message,
    };
  }
  if (status === 408 || status >= 500) {
    return { type: 'http.transient', reason: status === 408 ? 'timeout' : 'server', httpStatus: status, message };
  }
  const type = refusalFor(status);
  const event: RefusalEvent = { type, httpStatus: status, message };
  if (code !== undefined) event.code = code;
  return event;
}

function refusalFor(status: number): RefusalEvent['type'] {
  switch (status) {
    case 401:
      return 'http.unauthorized';
    case 402:
      return 'http.payment';
    case 403:
    case 451:
      return 'http.forbidden';
    case 404:
    case 410:
      return 'http.notFound';
    default:
      return 'http.invalid';
  }
}

function fallbackMessage(answer: HttpAnswer): string {
  const words = answer.text
    .slice(0, 4_000)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const snippet = redactSignedQueries(words).slice(0, 200);
  return snippet ? `HTTP ${answer.status}: ${snippet}` : `HTTP ${answer.status}`;
}

/**
 * A 2xx body that did not match the provider's documented schema. `httpStatus`: the answer's status, when the
 * failure is the answer's body (a chart must know that the provider did answer 2xx: a create may then exist).
 */
export function protocolFailure(what: string, detail: string, httpStatus?: number): TransientEvent {
  const event: TransientEvent = { type: 'http.transient', reason: 'protocol', message: `unexpected ${what}: ${detail}` };
  if (httpStatus !== undefined) event.httpStatus = httpStatus;
  return event;
}

/** A 2xx answer whose body matched its schema. */
export interface JsonBody<T> {
  body: T;
  answer: HttpAnswer;
}

export interface JsonExchange<T, TFailure> {
  request: HttpRequest;
  /** The documented 2xx body. */
  schema: z.ZodType<T>;
  /** Names the body in a protocol failure, e.g. `'status answer'`. */
  what: string;
  /** The chart's event for a non-2xx answer (usually {@link classifyFailure} with the provider's words). */
  onFailure: (answer: HttpAnswer) => TFailure;
}

/**
 * One JSON exchange, the way every client does it: send, turn a non-2xx answer into the chart's event,
 * check a 2xx body against its schema (a mismatch is a transient `protocol` failure). Never throws.
 * Resolves with the parsed body, an event for the chart, or `null` when we aborted it.
 */
export async function callJson<T, TFailure>(
  exchange: JsonExchange<T, TFailure>,
): Promise<JsonBody<T> | TransientEvent | TFailure | null> {
  const answer = await sendRequest(exchange.request);
  if (answer === null || 'type' in answer) return answer;
  if (answer.status < 200 || answer.status > 299) return exchange.onFailure(answer);
  if (answer.bodyTooLarge) {
    return protocolFailure(exchange.what, `body larger than ${MAX_BODY_BYTES} bytes (not read to the end)`, answer.status);
  }
  const parsed = exchange.schema.safeParse(parseJson(answer.text));
  if (!parsed.success) return protocolFailure(exchange.what, describeSchemaError(parsed.error, answer.text), answer.status);
  return { body: parsed.data, answer };
}

/** Whether {@link callJson} gave a parsed body (otherwise it gave the chart's event, or `null`). */
export function isJsonBody<T>(value: JsonBody<T> | object | null): value is JsonBody<T> {
  return value !== null && 'body' in value && 'answer' in value && !('type' in value);
}
