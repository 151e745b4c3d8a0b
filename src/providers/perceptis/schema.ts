import { z } from 'zod';

/** `POST /api/v1/generate` body. */
export const perceptisRequestSchema = z.object({
  prompt: z.string().trim().min(1, 'prompt must not be empty'),
  output_type: z.enum(['single_slide', 'deck']),
  template_name: z.string().optional(),
  variant_count: z.number().int().min(1).optional(),
  reference_images: z.array(z.object({ data: z.string(), mime_type: z.string() })).optional(),
});
export type PerceptisRequest = z.infer<typeof perceptisRequestSchema>;

export const perceptisJobIdSchema = z.string().min(1);

/** `POST /api/v1/generate` answer: `{ job_id, … }`. */
export const perceptisCreatedSchema = z.looseObject({ job_id: perceptisJobIdSchema });

export const perceptisDownloadSchema = z.looseObject({
  url: z.string().min(1),
  format: z.string(),
  variant: z.number().optional(),
});
export type PerceptisDownload = z.infer<typeof perceptisDownloadSchema>;

export const perceptisStatusValues = ['pending', 'processing', 'completed', 'failed'] as const;

/** `GET /api/v1/status/{job_id}` answer (seed 004). */
export const perceptisStatusSchema = z.looseObject({
  job_id: z.string(),
  status: z.string(),
  output_type: z.string().optional(),
  downloads: z.array(perceptisDownloadSchema).nullish(),
  error: z.looseObject({ code: z.string().optional(), message: z.string() }).nullish(),
});

/** Error bodies: `{ "error": { "code", "message" } }`. */
export const perceptisErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }),
});

export interface PerceptisResult {
  outputType: string | null;
  /** Short-lived links (`expires` + `signature`): attach to the job again for fresh ones. */
  downloads: PerceptisDownload[];
}
