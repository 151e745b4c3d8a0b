import * as z from 'zod/mini';

/** `POST /v1/markdown` body (both official SDKs send exactly this shape). */
export const markdown2pdfRequestSchema = z.object({
  data: z.object({
    text_body: z.string().check(z.trim(), z.minLength(1, 'text_body must not be empty')),
    meta: z.object({ title: z.optional(z.string()), date: z.optional(z.string()) }),
  }),
  options: z.object({ document_name: z.string().check(z.trim(), z.minLength(1, 'document_name must not be empty')) }),
});
export type Markdown2pdfRequest = z.infer<typeof markdown2pdfRequestSchema>;

/** Documented as a uuid; any non-empty string is let through so the provider answers for it (422). */
export const markdown2pdfJobIdSchema = z.string().check(z.minLength(1));

/** One way to pay, from a 402 answer (L402). */
export const markdown2pdfOfferSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  title: z.nullish(z.string()),
  description: z.nullish(z.string()),
  amount: z.nullish(z.number()),
  currency: z.nullish(z.string()),
  payment_methods: z._default(z.array(z.string()), []),
});
export type Markdown2pdfOffer = z.infer<typeof markdown2pdfOfferSchema>;

/** 402 answer to `POST /v1/markdown`: what to pay, and where to ask for an invoice. */
export const markdown2pdfPaymentRequiredSchema = z.looseObject({
  offers: z.array(markdown2pdfOfferSchema).check(z.minLength(1)),
  payment_context_token: z.string().check(z.minLength(1)),
  payment_request_url: z.string().check(z.minLength(1)),
});

/** What the job shows a person while it waits for payment (`context.payment`). */
export interface Markdown2pdfPayment {
  offers: Markdown2pdfOffer[];
  payment_context_token: string;
  /** Absolute: POST `{ offer_id, payment_context_token, payment_method }` here for an invoice. */
  payment_request_url: string;
}

export const markdown2pdfStatusValues = ['Not Started', 'Processing', 'Done', 'Error'] as const;

/** `JobStatus` (seed 003): the create answer, and `GET /job/{job_id}/status`. */
export const markdown2pdfJobStatusSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  description: z.nullish(z.string()),
  status: z.string(),
  status_meta: z.nullish(z.string()),
  progress: z.nullish(z.number().check(z.gte(0), z.lte(1))),
  path: z.nullish(z.string()),
});
export type Markdown2pdfJobStatus = z.infer<typeof markdown2pdfJobStatusSchema>;

/** `HTTPValidationError` (422). */
export const markdown2pdfValidationErrorSchema = z.looseObject({
  detail: z.array(z.looseObject({ loc: z.optional(z.array(z.union([z.string(), z.number()]))), msg: z.string(), type: z.optional(z.string()) })),
});

/** Other error bodies carry `detail` as one sentence (FastAPI's default). */
export const markdown2pdfDetailSchema = z.looseObject({ detail: z.string() });

/** The metadata answer behind `path` once the job is Done (also `GET /job/{job_id}/output`). */
export const markdown2pdfMetadataSchema = z.looseObject({ url: z.string().check(z.minLength(1)) });

/** The job's result: the metadata answer, whose `url` is the PDF download link. */
export type Markdown2pdfResult = z.infer<typeof markdown2pdfMetadataSchema>;
