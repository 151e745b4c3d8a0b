import { z } from 'zod';

/** `POST /v1/markdown` body (both official SDKs send exactly this shape). */
export const markdown2pdfRequestSchema = z.object({
  data: z.object({
    text_body: z.string().trim().min(1, 'text_body must not be empty'),
    meta: z.object({ title: z.string().optional(), date: z.string().optional() }),
  }),
  options: z.object({ document_name: z.string().trim().min(1, 'document_name must not be empty') }),
});
export type Markdown2pdfRequest = z.infer<typeof markdown2pdfRequestSchema>;

/** Documented as a uuid; any non-empty string is let through so the provider answers for it (422). */
export const markdown2pdfJobIdSchema = z.string().min(1);

/** One way to pay, from a 402 answer (L402). */
export const markdown2pdfOfferSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string().nullish(),
  description: z.string().nullish(),
  amount: z.number().nullish(),
  currency: z.string().nullish(),
  payment_methods: z.array(z.string()).default([]),
});
export type Markdown2pdfOffer = z.infer<typeof markdown2pdfOfferSchema>;

/** 402 answer to `POST /v1/markdown`: what to pay, and where to ask for an invoice. */
export const markdown2pdfPaymentRequiredSchema = z.looseObject({
  offers: z.array(markdown2pdfOfferSchema).min(1),
  payment_context_token: z.string().min(1),
  payment_request_url: z.string().min(1),
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
  id: z.string().min(1),
  description: z.string().nullish(),
  status: z.string(),
  status_meta: z.string().nullish(),
  progress: z.number().min(0).max(1).nullish(),
  path: z.string().nullish(),
});
export type Markdown2pdfJobStatus = z.infer<typeof markdown2pdfJobStatusSchema>;

/** `HTTPValidationError` (422). */
export const markdown2pdfValidationErrorSchema = z.looseObject({
  detail: z.array(z.looseObject({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string(), type: z.string().optional() })),
});

/** Other error bodies carry `detail` as one sentence (FastAPI's default). */
export const markdown2pdfDetailSchema = z.looseObject({ detail: z.string() });

/** The metadata answer behind `path` once the job is Done (also `GET /job/{job_id}/output`). */
export const markdown2pdfMetadataSchema = z.looseObject({ url: z.string().min(1) });

/** The job's result: the metadata answer, whose `url` is the PDF download link. */
export type Markdown2pdfResult = z.infer<typeof markdown2pdfMetadataSchema>;
