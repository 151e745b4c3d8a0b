import * as z from 'zod/mini';

/** What an adapter script is for (`topic` of `POST /api/v1/adapter-scripts/generate`). */
export const cataTopics = [
  'test_connection',
  'list_remote_outlets',
  'sync_outlet',
  'sync_products',
  'order_dispatch',
  'order_status_update',
  'snooze_items',
] as const;
export type CataTopic = (typeof cataTopics)[number];

/** `POST /api/v1/adapter-scripts/generate` body: the POS provider to integrate, and what the script does. */
export const cataRequestSchema = z.object({
  provider: z.string().check(z.trim(), z.minLength(1, 'provider must not be empty')),
  topic: z.enum(cataTopics),
});
export type CataRequest = z.infer<typeof cataRequestSchema>;

/** Cata's job ids are integers. */
export const cataJobIdSchema = z.int().check(z.nonnegative());

/** `POST …/generate` answer. */
export const cataCreatedSchema = z.looseObject({
  code: z.optional(z.number()),
  jobId: cataJobIdSchema,
  message: z.nullish(z.string()),
  isSuccess: z.optional(z.boolean()),
});

export const cataStatusValues = ['pending', 'running', 'needs_clarification', 'completed', 'failed'] as const;
export type CataStatus = (typeof cataStatusValues)[number];
export const cataStageValues = ['queued', 'gathering', 'generating', 'testing', 'retrying', 'done'] as const;
export type CataStage = (typeof cataStageValues)[number];

/** One run of the draft script against sample data. */
export const cataTestResultSchema = z.looseObject({
  attempt: z.int(),
  passed: z.boolean(),
  error: z.nullish(z.string()),
  outputPreview: z.nullish(z.string()),
  outputCount: z.nullish(z.int()),
  timestamp: z.nullish(z.string()),
});
export type CataTestResult = z.infer<typeof cataTestResultSchema>;

export const cataLogEntrySchema = z.looseObject({
  stage: z.string(),
  message: z.string(),
  timestamp: z.nullish(z.string()),
});
export type CataLogEntry = z.infer<typeof cataLogEntrySchema>;

/**
 * `job` of `GET /api/v1/adapter-scripts/jobs/{jobId}` (seed 002). The seed marks every field required; fields
 * that only make sense at some point of the pipeline (question, answer, result) are read as nullable.
 */
export const cataJobSchema = z.looseObject({
  id: z.optional(z.int()),
  provider: z.nullish(z.string()),
  topic: z.nullish(z.string()),
  status: z.string(),
  stage: z.string(),
  hypothesis: z.nullish(z.string()),
  testResults: z.nullish(z.array(cataTestResultSchema)),
  clarification: z.nullish(z.string()),
  humanResponse: z.nullish(z.string()),
  logs: z.nullish(z.array(cataLogEntrySchema)),
  retries: z.nullish(z.int()),
  resultScriptId: z.nullish(z.int()),
  createdAt: z.nullish(z.string()),
  updatedAt: z.nullish(z.string()),
});
export type CataJob = z.infer<typeof cataJobSchema>;

/** Cata wraps every answer in `{ code, isSuccess, message }`. */
const envelope = {
  code: z.optional(z.number()),
  isSuccess: z.optional(z.boolean()),
  message: z.nullish(z.string()),
};

/** `GET …/jobs/{jobId}` answer. */
export const cataStatusSchema = z.looseObject({ ...envelope, job: cataJobSchema });

/** `POST …/jobs/{jobId}/respond` answer. */
export const cataRespondedSchema = z.looseObject(envelope);

/** Error bodies (404, 401, 400): `{ error: { code, message, details, field } }`. */
export const cataErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.optional(z.union([z.number(), z.string()])),
    message: z.optional(z.string()),
    details: z.nullish(z.string()),
    field: z.nullish(z.string()),
  }),
});

/** A 4xx in the envelope shape (`isSuccess: false`), which Cata's wrapper also uses. */
export const cataEnvelopeErrorSchema = z.looseObject({
  code: z.optional(z.union([z.number(), z.string()])),
  isSuccess: z.literal(false),
  message: z.string(),
});

export interface CataResult {
  /** The saved candidate script (fetching it is outside the job's lifecycle, and not documented). */
  resultScriptId: number;
}
