import { checkSchema } from '../../core/schema.js';
import type { HttpFailureEvent } from '../../core/events.js';
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
import { resolveProviderUrl, resolveSameOriginUrl } from '../../core/url.js';
import {
  markdown2pdfDetailSchema,
  markdown2pdfJobStatusSchema,
  markdown2pdfMetadataSchema,
  markdown2pdfPaymentRequiredSchema,
  markdown2pdfValidationErrorSchema,
  type Markdown2pdfPayment,
  type Markdown2pdfRequest,
  type Markdown2pdfResult,
  type markdown2pdfStatusValues,
} from './schema.js';

/** The named events the markdown2pdf chart receives from its requests. */
export type Markdown2pdfAnswerEvent =
  | { type: 'submit.accepted'; jobId: string; statusUrl: string; progress?: number }
  /** 402: nothing was created; a person has to pay one of the offers first. */
  | { type: 'submit.paymentRequired'; httpStatus: 402; message: string; payment: Markdown2pdfPayment }
  | { type: 'status.notStarted'; progress: number }
  | { type: 'status.processing'; progress?: number }
  /** `outputUrl`: the metadata URL the answer's `path` names (null: not given, use `/job/{id}/output`). */
  | { type: 'status.done'; progress: 1; outputUrl: string | null }
  | { type: 'status.error'; error: { message: string } }
  | { type: 'output.ready'; result: Markdown2pdfResult }
  | HttpFailureEvent;

/** markdown2pdf needs no key: it is paid per use. */
export type Markdown2pdfCall = Omit<ProviderCall, 'apiKey'>;

/** The provider's words in an error body: a 422's `detail[]` (each `loc: msg`), or a plain `detail` sentence. */
export function readMarkdown2pdfWords(body: unknown): ProviderWords {
  const validation = checkSchema(markdown2pdfValidationErrorSchema, body);
  if (validation.success && validation.data.detail.length > 0) {
    const items = validation.data.detail;
    return {
      code: items[0].type,
      message: items.map((d) => (d.loc?.length ? `${d.loc.join('.')}: ${d.msg}` : d.msg)).join('; '),
    };
  }
  const detail = checkSchema(markdown2pdfDetailSchema, body);
  return detail.success ? { message: detail.data.detail } : {};
}

const failureOf = (call: Markdown2pdfCall) => (answer: HttpAnswer) => classifyFailure(answer, readMarkdown2pdfWords, call.now());

/** A 402 that carries offers asks a person to pay; one without them is an ordinary refusal. */
function paymentOrFailure(call: Markdown2pdfCall) {
  return (answer: HttpAnswer): Markdown2pdfAnswerEvent => {
    if (answer.status !== 402) return failureOf(call)(answer);
    const offer = checkSchema(markdown2pdfPaymentRequiredSchema, parseJson(answer.text));
    if (!offer.success) return failureOf(call)(answer);
    const { offers, payment_context_token, payment_request_url } = offer.data;
    return {
      type: 'submit.paymentRequired',
      httpStatus: 402,
      message: 'payment required',
      payment: { offers, payment_context_token, payment_request_url: resolveProviderUrl(call.baseUrl, payment_request_url) },
    };
  };
}

/** `POST /v1/markdown`: a JobStatus whose `path` is the status URL, or 402 with offers to pay. */
export async function createMarkdown2pdfJob(call: Markdown2pdfCall, request: Markdown2pdfRequest): Promise<Markdown2pdfAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, { url: `${call.baseUrl}/v1/markdown`, method: 'POST', json: request }),
    schema: markdown2pdfJobStatusSchema,
    what: 'create answer',
    onFailure: paymentOrFailure(call),
  });
  if (!isJsonBody(got)) return got;
  const { id, path, progress } = got.body;
  const statusUrl = resolveSameOriginUrl(call.baseUrl, path ?? statusPath(id));
  if (statusUrl === null) return elsewhere('create answer', path!, call, got.answer.status);
  return {
    type: 'submit.accepted',
    jobId: id,
    statusUrl,
    ...(typeof progress === 'number' ? { progress } : {}),
  };
}

/** A `path` on another origin than the job's: not followed (the job would then trust whatever that host says). */
function elsewhere(what: string, path: string, call: Markdown2pdfCall, httpStatus: number) {
  const origin = new URL(call.baseUrl).origin;
  return protocolFailure(what, `its path ${JSON.stringify(path.slice(0, 200))} is not on the job's origin ${origin}`, httpStatus);
}

export const statusPath = (jobId: string) => `/job/${encodeURIComponent(jobId)}/status`;
export const outputPath = (jobId: string) => `/job/${encodeURIComponent(jobId)}/output`;

/** `GET /job/{job_id}/status` (or the `path` the create answer gave): safe to repeat. */
export async function getMarkdown2pdfStatus(call: Markdown2pdfCall, statusUrl: string): Promise<Markdown2pdfAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, { url: statusUrl, method: 'GET' }),
    schema: markdown2pdfJobStatusSchema,
    what: 'status answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const body = got.body;
  const progress = body.progress ?? undefined;
  switch (body.status as (typeof markdown2pdfStatusValues)[number]) {
    case 'Not Started':
      return { type: 'status.notStarted', progress: progress ?? 0 };
    case 'Processing':
      return { type: 'status.processing', ...(progress === undefined ? {} : { progress }) };
    case 'Done': {
      if (!body.path) return { type: 'status.done', progress: 1, outputUrl: null };
      const outputUrl = resolveSameOriginUrl(call.baseUrl, body.path);
      if (outputUrl === null) return elsewhere('status answer', body.path, call, got.answer.status);
      return { type: 'status.done', progress: 1, outputUrl };
    }
    case 'Error':
      return {
        type: 'status.error',
        error: { message: body.status_meta || body.description || 'the job ended in Error (no message given)' },
      };
    default:
      return protocolFailure('status value', JSON.stringify(body.status));
  }
}

/** GET the metadata URL of a Done job: its `url` is the PDF download link. */
export async function getMarkdown2pdfOutput(call: Markdown2pdfCall, outputUrl: string): Promise<Markdown2pdfAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, { url: outputUrl, method: 'GET' }),
    schema: markdown2pdfMetadataSchema,
    what: 'output metadata',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  return { type: 'output.ready', result: { ...got.body, url: resolveProviderUrl(call.baseUrl, got.body.url) } };
}
