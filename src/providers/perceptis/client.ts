import { checkSchema } from '../../core/schema.js';
import type { HttpFailureEvent } from '../../core/events.js';
import {
  callJson,
  classifyFailure,
  isJsonBody,
  protocolFailure,
  requestFor,
  type HttpAnswer,
  type ProviderCall,
  type ProviderWords,
} from '../../core/http.js';
import {
  perceptisCreatedSchema,
  perceptisErrorSchema,
  perceptisStatusSchema,
  perceptisStatusValues,
  type PerceptisRequest,
  type PerceptisResult,
} from './schema.js';

/** The named events the Perceptis chart receives from its requests. */
export type PerceptisAnswerEvent =
  | { type: 'submit.accepted'; jobId: string }
  | { type: 'status.pending' }
  | { type: 'status.processing' }
  | { type: 'status.completed'; progress: 1; result: PerceptisResult }
  | { type: 'status.failed'; error: { code?: string; message: string } }
  | HttpFailureEvent;

export type PerceptisCall = ProviderCall;

const auth = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

export function readPerceptisWords(body: unknown): ProviderWords {
  const parsed = checkSchema(perceptisErrorSchema, body);
  return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : {};
}

/** `POST /api/v1/generate`, with an `Idempotency-Key` so that a retried or restored create never makes a second job. */
export async function createPerceptisJob(
  call: PerceptisCall,
  request: PerceptisRequest,
  idempotencyKey: string,
): Promise<PerceptisAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/api/v1/generate`,
      method: 'POST',
      headers: { ...auth(call.apiKey), 'idempotency-key': idempotencyKey },
      json: request,
    }),
    schema: perceptisCreatedSchema,
    what: 'create answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  return { type: 'submit.accepted', jobId: got.body.job_id };
}

const failureOf = (call: PerceptisCall) => (answer: HttpAnswer) => classifyFailure(answer, readPerceptisWords, call.now());

/** `GET /api/v1/status/{job_id}`: safe to repeat, and the way to get fresh download links. */
export async function getPerceptisStatus(call: PerceptisCall, jobId: string): Promise<PerceptisAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/api/v1/status/${encodeURIComponent(jobId)}`,
      method: 'GET',
      headers: auth(call.apiKey),
    }),
    schema: perceptisStatusSchema,
    what: 'status answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const body = got.body;
  switch (body.status as (typeof perceptisStatusValues)[number]) {
    case 'pending':
      return { type: 'status.pending' };
    case 'processing':
      return { type: 'status.processing' };
    case 'completed':
      if (!body.downloads?.length) return protocolFailure('status answer', 'completed without downloads');
      return {
        type: 'status.completed',
        progress: 1,
        result: { outputType: body.output_type ?? null, downloads: body.downloads },
      };
    case 'failed':
      return {
        type: 'status.failed',
        error: { code: body.error?.code, message: body.error?.message ?? 'the job failed (no message given)' },
      };
    default:
      return protocolFailure('status value', JSON.stringify(body.status));
  }
}
