import { checkSchema } from '../../core/schema.js';
import type { HttpFailureEvent, RefusalEvent } from '../../core/events.js';
import { callJson, classifyFailure, isJsonBody, protocolFailure, requestFor, type HttpAnswer, type ProviderCall, type ProviderWords } from '../../core/http.js';
import {
  cataCreatedSchema,
  cataEnvelopeErrorSchema,
  cataErrorSchema,
  cataRespondedSchema,
  cataStageValues,
  cataStatusSchema,
  type CataJob,
  type CataLogEntry,
  type CataRequest,
  type CataResult,
  type CataStage,
  type CataTestResult,
} from './schema.js';

/** What the last status answer said about the pipeline: what a person watching the job wants to see. */
export interface CataJobDetails {
  /** The current script draft. */
  hypothesis: string | null;
  testResults: CataTestResult[];
  /** Cata's own retry count of generate → test (max 3). */
  retries: number;
  logs: CataLogEntry[];
  /** The question, while the job needs clarification. */
  clarification: string | null;
  /** The answer Cata recorded. */
  humanResponse: string | null;
}

export type CataRunningEvent = { type: `status.running.${CataStage}`; progress: number; job: CataJobDetails };

/** The named events the Cata chart receives from its requests. */
export type CataAnswerEvent =
  | { type: 'submit.accepted'; jobId: number }
  | { type: 'status.pending'; progress: number; job: CataJobDetails }
  | CataRunningEvent
  | { type: 'status.needs_clarification'; job: CataJobDetails }
  | { type: 'status.completed'; progress: 1; result: CataResult; job: CataJobDetails }
  | { type: 'status.failed'; error: { message: string }; job: CataJobDetails }
  | { type: 'respond.accepted'; message?: string }
  | HttpFailureEvent;

/**
 * Progress derived from the stage: Cata gives none. Not monotonic on purpose: after a failed test or an
 * answered question the pipeline really does go back to generating.
 */
export const cataStageProgress: Record<CataStage, number> = {
  queued: 0.05,
  gathering: 0.15,
  generating: 0.35,
  testing: 0.6,
  retrying: 0.7,
  done: 0.95,
};

const auth = (apiKey: string) => ({ 'x-api-key': apiKey });

/** Cata's words from `{ error: { code, message, details, field } }`, or from its `{ code, isSuccess: false, message }` envelope. */
export function readCataWords(body: unknown): ProviderWords {
  const error = checkSchema(cataErrorSchema, body);
  if (error.success) {
    const { code, message, details } = error.data.error;
    const words = [message, details].filter((w): w is string => typeof w === 'string' && w.trim() !== '');
    return {
      ...(code === undefined ? {} : { code: String(code) }),
      ...(words.length ? { message: [...new Set(words)].join(': ') } : {}),
    };
  }
  const envelope = checkSchema(cataEnvelopeErrorSchema, body);
  if (envelope.success) {
    const { code, message } = envelope.data;
    return { ...(code === undefined ? {} : { code: String(code) }), message };
  }
  return {};
}

const failureOf = (call: ProviderCall) => (answer: HttpAnswer) => classifyFailure(answer, readCataWords, call.now());

/** One Cata request: the path under the base URL, the key in `X-Api-Key`, Cata's words on failure. */
function cataRequest(call: ProviderCall, method: 'GET' | 'POST', path: string, json?: unknown) {
  return {
    request: requestFor(call, { url: `${call.baseUrl}${path}`, method, headers: auth(call.apiKey), json }),
    onFailure: failureOf(call),
  };
}

/** A 2xx whose envelope says `isSuccess: false`: a refusal in Cata's words. */
function refusedInBody(body: { code?: number; message?: string | null }): RefusalEvent {
  return {
    type: 'http.invalid',
    ...(body.code === undefined ? {} : { code: String(body.code) }),
    message: body.message ?? 'Cata answered isSuccess: false',
  };
}

/** `POST /api/v1/adapter-scripts/generate`. */
export async function createCataJob(call: ProviderCall, request: CataRequest): Promise<CataAnswerEvent | null> {
  const got = await callJson({
    ...cataRequest(call, 'POST', '/api/v1/adapter-scripts/generate', request),
    schema: cataCreatedSchema,
    what: 'create answer',
  });
  if (!isJsonBody(got)) return got;
  if (got.body.isSuccess === false) return refusedInBody(got.body);
  return { type: 'submit.accepted', jobId: got.body.jobId };
}

/** `GET /api/v1/adapter-scripts/jobs/{jobId}`: safe to repeat. */
export async function getCataStatus(call: ProviderCall, jobId: number): Promise<CataAnswerEvent | null> {
  const got = await callJson({
    ...cataRequest(call, 'GET', `/api/v1/adapter-scripts/jobs/${jobId}`),
    schema: cataStatusSchema,
    what: 'status answer',
  });
  if (!isJsonBody(got)) return got;
  if (got.body.isSuccess === false) return refusedInBody(got.body);
  return statusEvent(got.body.job);
}

function statusEvent(job: CataJob): CataAnswerEvent {
  const details = detailsOf(job);
  switch (job.status) {
    case 'pending':
      return { type: 'status.pending', progress: 0, job: details };
    case 'running': {
      const stage = job.stage as CataStage;
      if (!cataStageValues.includes(stage)) return protocolFailure('stage value', JSON.stringify(job.stage));
      return { type: `status.running.${stage}`, progress: cataStageProgress[stage], job: details };
    }
    case 'needs_clarification':
      return { type: 'status.needs_clarification', job: details };
    case 'completed':
      if (typeof job.resultScriptId !== 'number') return protocolFailure('status answer', 'completed without resultScriptId');
      return { type: 'status.completed', progress: 1, result: { resultScriptId: job.resultScriptId }, job: details };
    case 'failed':
      return { type: 'status.failed', error: { message: failureMessage(details) }, job: details };
    default:
      return protocolFailure('status value', JSON.stringify(job.status));
  }
}

function detailsOf(job: CataJob): CataJobDetails {
  return {
    hypothesis: job.hypothesis ?? null,
    testResults: job.testResults ?? [],
    retries: job.retries ?? 0,
    logs: job.logs ?? [],
    clarification: job.clarification || null,
    humanResponse: job.humanResponse || null,
  };
}

/** Cata sends no error object: the pipeline's last log line says why, and the last failed test run how. */
function failureMessage(job: CataJobDetails): string {
  const lastLog = job.logs.at(-1)?.message?.trim() || null;
  const testError = [...job.testResults].reverse().find((t) => !t.passed && t.error)?.error?.trim() || null;
  if (lastLog && testError && !lastLog.includes(testError)) return `${lastLog} (last test: ${testError})`;
  return lastLog ?? testError ?? 'the job failed (Cata gave no reason)';
}

/** `POST /api/v1/adapter-scripts/jobs/{jobId}/respond`: a person's answer to the job's question. */
export async function respondToCata(call: ProviderCall, jobId: number, response: string): Promise<CataAnswerEvent | null> {
  const got = await callJson({
    ...cataRequest(call, 'POST', `/api/v1/adapter-scripts/jobs/${jobId}/respond`, { response }),
    schema: cataRespondedSchema,
    what: 'respond answer',
  });
  if (!isJsonBody(got)) return got;
  if (got.body.isSuccess === false) return refusedInBody(got.body);
  return { type: 'respond.accepted', ...(got.body.message ? { message: got.body.message } : {}) };
}
