import * as z from 'zod/mini';

/** `POST /v1/pathway/generate` body. The length rule is Bland's own, checked before anything is sent. */
export const blandRequestSchema = z.object({
  input_prompt: z
    .string()
    .check(
      z.minLength(100, 'input_prompt must be at least 100 characters'),
      z.maxLength(8000, 'input_prompt must be at most 8000 characters'),
    ),
  input_name: z.optional(z.string()),
});
export type BlandRequest = z.infer<typeof blandRequestSchema>;

export const blandJobIdSchema = z.string().check(z.minLength(1));

/**
 * One entry of `errors[]`. Bland's docs show both orders: the create example has the code in `message` and the
 * words in `error`, the status example the other way round; the client tells them apart by their look.
 */
export const blandErrorEntrySchema = z.looseObject({ error: z.optional(z.string()), message: z.optional(z.string()) });
export type BlandErrorEntry = z.infer<typeof blandErrorEntrySchema>;

/** Every Bland answer: `{ data, errors }`; a refused request has `data: null` and a list of errors. */
const envelope = <T extends z.ZodMiniType>(data: T) =>
  z.union([
    z.looseObject({ data: z.null(), errors: z.array(blandErrorEntrySchema).check(z.minLength(1)) }),
    z.looseObject({ data, errors: z.optional(z.null()) }),
  ]);

/** `POST /v1/pathway/generate` answer: `{ data: { jobId }, errors: null }`. */
export const blandCreatedSchema = envelope(z.looseObject({ jobId: blandJobIdSchema }));

/** `GET /v1/pathway/generate/status/{job_id}` answer (seed 000). */
export const blandStatusSchema = envelope(
  z.looseObject({
    ready: z.boolean(),
    pathway_id: z.nullish(z.string()),
    error: z.nullish(z.string()),
  }),
);

/** An error body of any status: only its `errors[]` is read. */
export const blandErrorBodySchema = z.looseObject({ errors: z.array(blandErrorEntrySchema).check(z.minLength(1)) });

export interface BlandResult {
  /** Read the pathway with `GET /v1/pathway/{pathway_id}`. */
  pathwayId: string;
}
