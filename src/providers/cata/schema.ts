import { z } from 'zod';

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
  provider: z.string().trim().min(1, 'provider must not be empty'),
  topic: z.enum(cataTopics),
});
export type CataRequest = z.infer<typeof cataRequestSchema>;

/** Cata's job ids are integers. */
export const cataJobIdSchema = z.number().int().nonnegative();

/** `POST …/generate` answer. */
export const cataCreatedSchema = z.looseObject({
  code: z.number().optional(),
  jobId: cataJobIdSchema,
  message: z.string().nullish(),
  isSuccess: z.boolean().optional(),
});

export const cataStatusValues = ['pending', 'running', 'needs_clarification', 'completed', 'failed'] as const;
export type CataStatus = (typeof cataStatusValues)[number];
export const cataStageValues = ['queued', 'gathering', 'generating', 'testing', 'retrying', 'done'] as const;
export type CataStage = (typeof cataStageValues)[number];

/** One run of the draft script against sample data. */
export const cataTestResultSchema = z.looseObject({
  attempt: z.number().int(),
  passed: z.boolean(),
  error: z.string().nullish(),
  outputPreview: z.string().nullish(),
  outputCount: z.number().int().nullish(),
  timestamp: z.string().nullish(),
});
export type CataTestResult = z.infer<typeof cataTestResultSchema>;

export const cataLogEntrySchema = z.looseObject({
  stage: z.string(),
  message: z.string(),
  timestamp: z.string().nullish(),
});
export type CataLogEntry = z.infer<typeof cataLogEntrySchema>;

/**
 * `job` of `GET /api/v1/adapter-scripts/jobs/{jobId}` (seed 002). The seed marks every field required; fields
 * that only make sense at some point of the pipeline (question, answer, result) are read as nullable.
 */
export const cataJobSchema = z.looseObject({
  id: z.number().int().optional(),
  provider: z.string().nullish(),
  topic: z.string().nullish(),
  status: z.string(),
  stage: z.string(),
  hypothesis: z.string().nullish(),
  testResults: z.array(cataTestResultSchema).nullish(),
  clarification: z.string().nullish(),
  humanResponse: z.string().nullish(),
  logs: z.array(cataLogEntrySchema).nullish(),
  retries: z.number().int().nullish(),
  resultScriptId: z.number().int().nullish(),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
});
export type CataJob = z.infer<typeof cataJobSchema>;

/** Cata wraps every answer in `{ code, isSuccess, message }`. */
const envelope = {
  code: z.number().optional(),
  isSuccess: z.boolean().optional(),
  message: z.string().nullish(),
};

/** `GET …/jobs/{jobId}` answer. */
export const cataStatusSchema = z.looseObject({ ...envelope, job: cataJobSchema });

/** `POST …/jobs/{jobId}/respond` answer. */
export const cataRespondedSchema = z.looseObject(envelope);

/** Error bodies (404, 401, 400): `{ error: { code, message, details, field } }`. */
export const cataErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    details: z.string().nullish(),
    field: z.string().nullish(),
  }),
});

/** A 4xx in the envelope shape (`isSuccess: false`), which Cata's wrapper also uses. */
export const cataEnvelopeErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  isSuccess: z.literal(false),
  message: z.string(),
});

export interface CataResult {
  /** The saved candidate script (fetching it is outside the job's lifecycle, and not documented). */
  resultScriptId: number;
}
