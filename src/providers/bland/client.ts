import { checkSchema } from '../../core/schema.js';
import { refusalEventTypes, type HttpFailureEvent, type RefusalEvent } from '../../core/events.js';
import {
  callJson,
  classifyFailure,
  isJsonBody,
  parseJson,
  protocolFailure,
  requestFor,
  type HttpAnswer,
  type ProviderCall,
  type ProviderWords,
} from '../../core/http.js';
import {
  blandCreatedSchema,
  blandErrorBodySchema,
  blandStatusSchema,
  type BlandErrorEntry,
  type BlandRequest,
  type BlandResult,
} from './schema.js';

/** The named events the Bland chart receives from its requests. */
export type BlandAnswerEvent =
  | { type: 'submit.accepted'; jobId: string }
  /** `ready: false`: queued or generating (Bland does not say which). */
  | { type: 'status.notReady' }
  | { type: 'status.ready'; progress: 1; result: BlandResult }
  | { type: 'status.failed'; error: { message: string } }
  | HttpFailureEvent;

/** Bland takes the raw key in `authorization`, without "Bearer". */
const auth = (apiKey: string) => ({ authorization: apiKey });

/** An upper-case identifier such as `PATHWAY_GENERATION_ERROR`: the code, whichever field it is in. */
const CODE_LIKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

function entryWords({ error, message }: BlandErrorEntry): ProviderWords {
  const looksLikeCode = (text: string | undefined) => text !== undefined && CODE_LIKE.test(text.trim());
  if (looksLikeCode(error)) return { code: error!.trim(), message };
  if (looksLikeCode(message)) return { code: message!.trim(), message: error };
  const words = [error, message].filter((w) => w !== undefined && w.trim() !== '').join(': ');
  return words === '' ? {} : { message: words };
}

/** The code (first one given) and the words (all of them) of Bland's `errors[]`. */
export function blandWords(errors: readonly BlandErrorEntry[]): ProviderWords {
  const all = errors.map(entryWords);
  const code = all.find((w) => w.code !== undefined)?.code;
  const message = all
    .map((w) => w.message)
    .filter((m): m is string => m !== undefined && m !== '')
    .join('; ');
  return { ...(code === undefined ? {} : { code }), message: message || code || 'Bland refused the request without saying why' };
}

/** Bland documents no status codes for its errors, so the words decide where they are plain. */
function kindFromWords(words: ProviderWords): RefusalEvent['type'] | undefined {
  if (/not found/i.test(words.message ?? '')) return 'http.notFound';
  if (/unauthori[sz]ed|api key/i.test(words.message ?? '') || /UNAUTHORI[SZ]ED/.test(words.code ?? '')) return 'http.unauthorized';
  return undefined;
}

/** `{ data: null, errors }` in a 2xx answer: our request was refused all the same. */
function refusalInBody(errors: readonly BlandErrorEntry[], httpStatus: number): RefusalEvent {
  const words = blandWords(errors);
  const event: RefusalEvent = { type: kindFromWords(words) ?? 'http.invalid', httpStatus, message: words.message! };
  if (words.code !== undefined) event.code = words.code;
  return event;
}

/** A non-2xx answer: the generic meaning of its status, unless Bland's words say more (e.g. "Job not found"). */
function blandFailure(answer: HttpAnswer, now: number): HttpFailureEvent {
  const body = checkSchema(blandErrorBodySchema, parseJson(answer.text));
  const words = body.success ? blandWords(body.data.errors) : {};
  const event = classifyFailure(answer, () => words, now);
  const byWords = kindFromWords(words);
  const isRefusal = (refusalEventTypes as readonly string[]).includes(event.type);
  return isRefusal && byWords ? { ...(event as RefusalEvent), type: byWords } : event;
}

const failureOf = (call: ProviderCall) => (answer: HttpAnswer) => blandFailure(answer, call.now());

/** `POST /v1/pathway/generate`: only queues the job (Bland starts it on the first status request). */
export async function createBlandJob(call: ProviderCall, request: BlandRequest): Promise<BlandAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/v1/pathway/generate`,
      method: 'POST',
      headers: auth(call.apiKey),
      json: request,
    }),
    schema: blandCreatedSchema,
    what: 'create answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const { data, errors } = got.body;
  if (data === null) return refusalInBody(errors ?? [], got.answer.status);
  return { type: 'submit.accepted', jobId: data.jobId };
}

/** `GET /v1/pathway/generate/status/{job_id}`: safe to repeat; the first one starts the generation. */
export async function getBlandStatus(call: ProviderCall, jobId: string): Promise<BlandAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/v1/pathway/generate/status/${encodeURIComponent(jobId)}`,
      method: 'GET',
      headers: auth(call.apiKey),
    }),
    schema: blandStatusSchema,
    what: 'status answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const { data, errors } = got.body;
  if (data === null) return refusalInBody(errors ?? [], got.answer.status);
  if (!data.ready) return { type: 'status.notReady' };
  if (data.error) return { type: 'status.failed', error: { message: data.error } };
  if (data.pathway_id) return { type: 'status.ready', progress: 1, result: { pathwayId: data.pathway_id } };
  return protocolFailure('status answer', 'ready: true without pathway_id or error');
}
