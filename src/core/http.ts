import { defaultTransport } from '#default-transport';
import type { HttpFailureEvent, RefusalEvent, TransientEvent } from './events.js';
import { parseRetryAfter } from './delay.js';
import { redactSignedQueries } from './secrets.js';
import { checkSchema, describeSchemaError, type Schema } from './schema.js';
import { hideSecrets, secretForms } from './provider-data.js';
import type { HttpAnswer, HttpTransport } from './transport/types.js';

export type { AnswerHeaders, HttpAnswer, HttpTransport, TransportRequest } from './transport/types.js';

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
  /**
   * The forms of the job's key (see provider-data.ts): {@link callJson} replaces them in the answer's text before
   * any words are read from it, so an error message or a quoted body never carries a key the provider echoed.
   */
  secretForms?: readonly string[];
  /** Sends it (default: undici's `request()` on Node, `fetch` elsewhere; see transport/). */
  transport?: HttpTransport;
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
  // The time-out is ours, whatever the transport, and it covers the body too.
  const { controller } = request;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  try {
    const hasBody = request.json !== undefined;
    return await (request.transport ?? defaultTransport())({
      url: request.url,
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      body: hasBody ? JSON.stringify(request.json) : undefined,
      signal: controller.signal,
      maxBodyBytes: MAX_BODY_BYTES,
    });
  } catch (error) {
    if (timedOut) return { type: 'http.transient', reason: 'timeout', message: `no answer within ${request.timeoutMs} ms` };
    if (controller.signal.aborted) return null;
    return networkFailure(error, request);
  } finally {
    clearTimeout(timer);
  }
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
  const event: TransientEvent = { type: 'http.transient', reason: 'network', message: `request failed: ${detail} (${where})` };
  if (code !== undefined && NEVER_SENT.has(code)) event.unsent = true;
  return event;
}

/** host:port of a URL: never its path or query, where a signed URL keeps its signature. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'unknown host';
  }
}

/** Failures to connect at all: the request never reached anyone (a create can be sent again safely). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

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
  schema: Schema<T>;
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
  const sent = await sendRequest(exchange.request);
  if (sent === null || 'type' in sent) return sent;
  const answer = withSecretsHidden(sent, exchange.request.secretForms);
  if (answer.status < 200 || answer.status > 299) return exchange.onFailure(answer);
  if (answer.bodyTooLarge) {
    return protocolFailure(exchange.what, `body larger than ${MAX_BODY_BYTES} bytes (not read to the end)`, answer.status);
  }
  // The body is parsed as it came: replacing a short key in the raw text could break its JSON (`"e"` in `"message"`).
  // The event the client builds from it has the key replaced in its values (see requestActor).
  const parsed = checkSchema(exchange.schema, parseJson(sent.text));
  if (!parsed.success) return protocolFailure(exchange.what, describeSchemaError(parsed.error, answer.text), answer.status);
  return { body: parsed.data, answer };
}

/**
 * The answer as its words may be read: the key replaced in its text. Failure bodies are read from this text, so a
 * key the provider echoed is gone before the text is cut or its whitespace folded (which would hide it from a
 * later replacement). Replacing it may spoil an error body's JSON; its words then come from the text instead.
 */
function withSecretsHidden(answer: HttpAnswer, forms: readonly string[] | undefined): HttpAnswer {
  if (!forms?.length) return answer;
  const text = hideSecrets(answer.text, forms);
  return text === answer.text ? answer : { ...answer, text };
}

/** Whether {@link callJson} gave a parsed body (otherwise it gave the chart's event, or `null`). */
export function isJsonBody<T>(value: JsonBody<T> | object | null): value is JsonBody<T> {
  return value !== null && 'body' in value && 'answer' in value && !('type' in value);
}

/** What a provider client needs for one exchange: where, with which key, for how long, and the job's clock. */
export interface ProviderCall {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** The exchange's controller (see HttpRequest): aborting it cancels the request. */
  controller: AbortController;
  now: () => number;
  transport?: HttpTransport;
}

/** The HTTP request of one exchange, as a client writes it: {@link requestFor} adds the time-out, controller and transport. */
export type ProviderRequest = Omit<HttpRequest, 'timeoutMs' | 'controller' | 'transport' | 'secretForms'>;

/** The HTTP request of one exchange of `call`: what to send, with the call's time-out, controller and transport. */
export function requestFor(
  call: Pick<ProviderCall, 'timeoutMs' | 'controller' | 'transport'> & { apiKey?: string },
  request: ProviderRequest,
): HttpRequest {
  return {
    ...request,
    timeoutMs: call.timeoutMs,
    controller: call.controller,
    transport: call.transport,
    secretForms: secretForms(call.apiKey),
  };
}

