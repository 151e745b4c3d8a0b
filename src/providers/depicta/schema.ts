import { z } from 'zod';

const referenceUrl = z.string().nullish();

/** One named character of a story (the API takes 1 to 10). */
export const depictaCharacterSchema = z.looseObject({
  name: z.string().trim().min(1, 'name must not be empty'),
  appearance: z.string().trim().min(1, 'appearance must not be empty'),
  reference_url: referenceUrl,
  /** Appearance variants (costumes, disguises), at most 5 per character. */
  states: z
    .record(z.string(), z.looseObject({ appearance: z.string(), reference_url: referenceUrl }))
    .refine((states) => Object.keys(states).length <= 5, 'at most 5 states per character')
    .nullish(),
});

/** One scene: its own prompt (Depicta's other scene fields pass through unchecked). */
export const depictaSceneRequestSchema = z.looseObject({ prompt: z.string().trim().min(1, 'prompt must not be empty') });

/** `POST /v1/generate/story` body. */
export const depictaRequestSchema = z.looseObject({
  /** A model from `GET /v1/models` that supports multi-turn generation (otherwise 422 `model_not_capable`). */
  model: z.string().trim().min(1, 'model must not be empty'),
  characters: z.array(depictaCharacterSchema).min(1, 'at least 1 character').max(10, 'at most 10 characters'),
  scenes: z.array(depictaSceneRequestSchema).min(1, 'at least 1 scene'),
  /** Optional overall story prompt. */
  prompt: z.string().nullish(),
  aspect_ratio: z.string().nullish(),
  image_size: z.string().nullish(),
  locations: z
    .array(z.looseObject({ name: z.string(), description: z.string(), reference_url: referenceUrl }))
    .nullish(),
});
export type DepictaRequest = z.infer<typeof depictaRequestSchema>;

export const depictaJobIdSchema = z.string().min(1);

/** `POST /v1/generate/story` answer, **202**: `{ job_id, poll_url }` (and header `X-Depicta-Job-Id`). */
export const depictaCreatedSchema = z.looseObject({ job_id: depictaJobIdSchema, poll_url: z.string().optional() });

/** Signed image URLs of one scene, valid one hour. */
export const depictaImagesSchema = z
  .looseObject({ png: z.string().optional(), jpeg: z.string().optional(), webp: z.string().optional() })
  .refine((images) => Boolean(images.png || images.jpeg || images.webp), 'a scene without any image URL');

export const depictaResultSchema = z.looseObject({
  scenes: z.array(z.looseObject({ prompt: z.string().nullish(), images: depictaImagesSchema })),
  characters: z.array(z.looseObject({ name: z.string(), reference_url: z.string().nullish() })).nullish(),
});

export const depictaStatusValues = ['pending', 'processing', 'completed', 'failed'] as const;

/** `GET /v1/jobs/{id}` (and `GET /v1/generate/story/{id}`) answer (seed 001). */
export const depictaStatusSchema = z.looseObject({
  /** The seed names it `job_id`; the story guide's example `id`. */
  job_id: z.string().optional(),
  id: z.string().optional(),
  status: z.string(),
  scenes_completed: z.number().int().nonnegative().nullish(),
  scenes_total: z.number().int().nonnegative().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  result: depictaResultSchema.nullish(),
  error: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).nullish(),
});

/** Error bodies of every status (400…503): `{ error, message, details?, request_id? }`. */
export const depictaErrorSchema = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  details: z.unknown().optional(),
  request_id: z.string().optional(),
});

export interface DepictaSceneImages {
  png?: string;
  jpeg?: string;
  webp?: string;
}

export interface DepictaResult {
  /** In story order; the URLs are signed and valid for one hour. */
  scenes: { prompt: string | null; images: DepictaSceneImages }[];
  /** The reference portrait Depicta made (or was given) for each character. */
  characters: { name: string; referenceUrl: string | null }[];
}
