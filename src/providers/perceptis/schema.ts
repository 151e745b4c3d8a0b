import * as z from 'zod/mini';

/** `POST /api/v1/generate` body. */
export const perceptisRequestSchema = z.object({
  prompt: z.string().check(z.trim(), z.minLength(1, 'prompt must not be empty')),
  output_type: z.enum(['single_slide', 'deck']),
  template_name: z.optional(z.string()),
  variant_count: z.optional(z.int().check(z.gte(1))),
  reference_images: z.optional(z.array(z.object({ data: z.string(), mime_type: z.string() }))),
});
export type PerceptisRequest = z.infer<typeof perceptisRequestSchema>;

export const perceptisJobIdSchema = z.string().check(z.minLength(1));

/** `POST /api/v1/generate` answer: `{ job_id, … }`. */
export const perceptisCreatedSchema = z.looseObject({ job_id: perceptisJobIdSchema });

export const perceptisDownloadSchema = z.looseObject({
  url: z.string().check(z.minLength(1)),
  format: z.string(),
  variant: z.optional(z.number()),
});
export type PerceptisDownload = z.infer<typeof perceptisDownloadSchema>;

export const perceptisStatusValues = ['pending', 'processing', 'completed', 'failed'] as const;

/** `GET /api/v1/status/{job_id}` answer (seed 004). */
export const perceptisStatusSchema = z.looseObject({
  job_id: z.string(),
  status: z.string(),
  output_type: z.optional(z.string()),
  downloads: z.nullish(z.array(perceptisDownloadSchema)),
  error: z.nullish(z.looseObject({ code: z.optional(z.string()), message: z.string() })),
});

/** Error bodies: `{ "error": { "code", "message" } }`. */
export const perceptisErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.optional(z.string()), message: z.optional(z.string()) }),
});

export interface PerceptisResult {
  outputType: string | null;
  /** Short-lived links (`expires` + `signature`): attach to the job again for fresh ones. */
  downloads: PerceptisDownload[];
}
