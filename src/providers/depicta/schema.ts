import * as z from 'zod/mini';

const referenceUrl = z.nullish(z.string());

/** One named character of a story (the API takes 1 to 10). */
export const depictaCharacterSchema = z.looseObject({
  name: z.string().check(z.trim(), z.minLength(1, 'name must not be empty')),
  appearance: z.string().check(z.trim(), z.minLength(1, 'appearance must not be empty')),
  reference_url: referenceUrl,
  /** Appearance variants (costumes, disguises), at most 5 per character. */
  states: z.nullish(
    z
      .record(z.string(), z.looseObject({ appearance: z.string(), reference_url: referenceUrl }))
      .check(z.refine((states) => Object.keys(states).length <= 5, 'at most 5 states per character')),
  ),
});

/** One scene: its own prompt (Depicta's other scene fields pass through unchecked). */
export const depictaSceneRequestSchema = z.looseObject({ prompt: z.string().check(z.trim(), z.minLength(1, 'prompt must not be empty')) });

/** `POST /v1/generate/story` body. */
export const depictaRequestSchema = z.looseObject({
  /** A model from `GET /v1/models` that supports multi-turn generation (otherwise 422 `model_not_capable`). */
  model: z.string().check(z.trim(), z.minLength(1, 'model must not be empty')),
  characters: z.array(depictaCharacterSchema).check(z.minLength(1, 'at least 1 character'), z.maxLength(10, 'at most 10 characters')),
  scenes: z.array(depictaSceneRequestSchema).check(z.minLength(1, 'at least 1 scene')),
  /** Optional overall story prompt. */
  prompt: z.nullish(z.string()),
  aspect_ratio: z.nullish(z.string()),
  image_size: z.nullish(z.string()),
  locations: z.nullish(z.array(z.looseObject({ name: z.string(), description: z.string(), reference_url: referenceUrl }))),
});
export type DepictaRequest = z.infer<typeof depictaRequestSchema>;

export const depictaJobIdSchema = z.string().check(z.minLength(1));

/** `POST /v1/generate/story` answer, **202**: `{ job_id, poll_url }` (and header `X-Depicta-Job-Id`). */
export const depictaCreatedSchema = z.looseObject({ job_id: depictaJobIdSchema, poll_url: z.optional(z.string()) });

/** Signed image URLs of one scene, valid one hour. */
export const depictaImagesSchema = z
  .looseObject({ png: z.optional(z.string()), jpeg: z.optional(z.string()), webp: z.optional(z.string()) })
  .check(z.refine((images) => Boolean(images.png || images.jpeg || images.webp), 'a scene without any image URL'));

export const depictaResultSchema = z.looseObject({
  scenes: z.array(z.looseObject({ prompt: z.nullish(z.string()), images: depictaImagesSchema })),
  characters: z.nullish(z.array(z.looseObject({ name: z.string(), reference_url: z.nullish(z.string()) }))),
});

export const depictaStatusValues = ['pending', 'processing', 'completed', 'failed'] as const;

/** `GET /v1/jobs/{id}` (and `GET /v1/generate/story/{id}`) answer (seed 001). */
export const depictaStatusSchema = z.looseObject({
  /** The seed names it `job_id`; the story guide's example `id`. */
  job_id: z.optional(z.string()),
  id: z.optional(z.string()),
  status: z.string(),
  scenes_completed: z.nullish(z.int().check(z.nonnegative())),
  scenes_total: z.nullish(z.int().check(z.nonnegative())),
  created_at: z.nullish(z.string()),
  started_at: z.nullish(z.string()),
  completed_at: z.nullish(z.string()),
  result: z.nullish(depictaResultSchema),
  error: z.nullish(z.looseObject({ code: z.optional(z.string()), message: z.optional(z.string()) })),
});

/** Error bodies of every status (400…503): `{ error, message, details?, request_id? }`. */
export const depictaErrorSchema = z.looseObject({
  error: z.optional(z.string()),
  message: z.optional(z.string()),
  details: z.optional(z.unknown()),
  request_id: z.optional(z.string()),
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
