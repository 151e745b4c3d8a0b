import { checkSchema } from '../../core/schema.js';
import * as z from 'zod/mini';
import type { HttpFailureEvent } from '../../core/events.js';
import { callJson, classifyFailure, isJsonBody, protocolFailure, requestFor, type HttpAnswer, type ProviderCall, type ProviderWords } from '../../core/http.js';
import { describeSchemaError } from '../../core/schema.js';
import {
  depictaCreatedSchema,
  depictaErrorSchema,
  depictaJobIdSchema,
  depictaStatusSchema,
  depictaStatusValues,
  type DepictaRequest,
  type DepictaResult,
} from './schema.js';

/** The named events the Depicta chart receives from its requests. `progress`: scenes done / scenes asked for. */
export type DepictaAnswerEvent =
  | { type: 'submit.accepted'; jobId: string }
  | { type: 'status.pending'; progress?: number }
  | { type: 'status.processing'; progress?: number }
  | { type: 'status.completed'; progress: 1; result: DepictaResult }
  | { type: 'status.failed'; progress?: number; error: { code?: string; message: string } }
  | HttpFailureEvent;

const auth = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/** Depicta's error body names its code `error` and its words `message`. */
export function readDepictaWords(body: unknown): ProviderWords {
  const parsed = checkSchema(depictaErrorSchema, body);
  return parsed.success ? { code: parsed.data.error, message: parsed.data.message } : {};
}

/**
 * The generic meaning of each status is Depicta's own: 402 `credit_insufficient` → payment; 403 (`content_rejected`,
 * `auth_email_not_verified`, `account_suspended`) and 451 → forbidden; 400/409/413/422 → invalid; 404 → notFound;
 * 429 `rate_limited` → wait for Retry-After; 5xx → retried. The code travels with the refusal.
 */
const failureOf = (call: ProviderCall) => (answer: HttpAnswer) => classifyFailure(answer, readDepictaWords, call.now());

/**
 * `POST /v1/generate/story` → 202 `{ job_id, poll_url }`. Depicta documents no idempotency key; when the body is
 * unreadable but the `X-Depicta-Job-Id` header names the job, the job exists and is taken, rather than created twice.
 */
export async function createDepictaJob(call: ProviderCall, request: DepictaRequest): Promise<DepictaAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/v1/generate/story`,
      method: 'POST',
      headers: auth(call.apiKey),
      json: request,
    }),
    schema: z.unknown(),
    what: 'create answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const created = checkSchema(depictaCreatedSchema, got.body);
  if (created.success) return { type: 'submit.accepted', jobId: created.data.job_id };
  const fromHeader = checkSchema(depictaJobIdSchema, got.answer.headers.get('x-depicta-job-id'));
  if (fromHeader.success) return { type: 'submit.accepted', jobId: fromHeader.data };
  return protocolFailure('create answer', describeSchemaError(created.error, got.answer.text), got.answer.status);
}

/** `GET /v1/jobs/{id}`: safe to repeat. */
export async function getDepictaStatus(call: ProviderCall, jobId: string): Promise<DepictaAnswerEvent | null> {
  const got = await callJson({
    request: requestFor(call, {
      url: `${call.baseUrl}/v1/jobs/${encodeURIComponent(jobId)}`,
      method: 'GET',
      headers: auth(call.apiKey),
    }),
    schema: depictaStatusSchema,
    what: 'status answer',
    onFailure: failureOf(call),
  });
  if (!isJsonBody(got)) return got;
  const body = got.body;
  const progress = progressOf(body.scenes_completed, body.scenes_total);
  switch (body.status as (typeof depictaStatusValues)[number]) {
    case 'pending':
      return { type: 'status.pending', ...progress };
    case 'processing':
      return { type: 'status.processing', ...progress };
    case 'completed':
      if (!body.result) return protocolFailure('status answer', 'completed without result');
      return {
        type: 'status.completed',
        progress: 1,
        result: {
          scenes: body.result.scenes.map((scene) => ({
            prompt: scene.prompt ?? null,
            images: pick(scene.images, ['png', 'jpeg', 'webp']),
          })),
          characters: (body.result.characters ?? []).map((c) => ({ name: c.name, referenceUrl: c.reference_url ?? null })),
        },
      };
    case 'failed':
      return {
        type: 'status.failed',
        ...progress,
        error: {
          ...(body.error?.code ? { code: body.error.code } : {}),
          message: body.error?.message ?? 'the story failed (Depicta gave no message)',
        },
      };
    default:
      return protocolFailure('status value', JSON.stringify(body.status));
  }
}

function progressOf(done: number | null | undefined, total: number | null | undefined): { progress?: number } {
  if (typeof done !== 'number' || typeof total !== 'number' || total <= 0) return {};
  return { progress: Math.min(1, done / total) };
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;
}
