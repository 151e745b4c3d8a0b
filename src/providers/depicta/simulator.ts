import { createHmac, randomUUID } from 'node:crypto';
import { header, json, type SimAnswer, type SimRequest, type SimRoute, type WireFault } from '../../simulator/http.js';
import { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript } from '../../simulator/script.js';

/** A Depicta status a script can put a job in. `scenesCompleted` is capped at the story's scene count. */
export type DepictaStatusStep =
  | { status: 'pending' }
  | { status: 'processing'; scenesCompleted?: number }
  | { status: 'completed' }
  | { status: 'failed'; scenesCompleted?: number; error?: { code: string; message: string } }
  /** Any other value, to test how a client copes with a status it does not know. */
  | { status: string };

/**
 * Holds the request open — it counts against the key's 10 requests in flight — until `holdUntil` settles,
 * then answers it with the script's next step.
 */
export interface DepictaHoldStep {
  holdUntil: PromiseLike<unknown>;
}

export type DepictaScript = JobScript<DepictaStatusStep | DepictaHoldStep>;

/** An answer to the next create request, before the simulator looks at it (see `DepictaSim.createAnswers`). */
export type DepictaCreateStep =
  /** An error of any documented status, with Depicta's body (`error` code and `message` default by status). */
  | { http: number; error?: string; message?: string; details?: unknown; headers?: Record<string, string> }
  | { fault: WireFault }
  | DepictaHoldStep
  /** The job is created, but the 202's body is cut off: only the `X-Depicta-Job-Id` header tells its id. */
  | { lostBody: true };

export interface DepictaSimOptions {
  /** Keys of verified accounts with credit. */
  keys?: string[];
  /** Requests one key may have in flight; one more gets 429 `rate_limited`. Default 10. */
  maxConcurrent?: number;
  /** The `Retry-After` of that 429, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Bodies larger than this get 413 `payload_too_large`. Default 1 MB. */
  maxBodyBytes?: number;
  /** Known models, and whether each supports multi-turn generation (stories need it). */
  models?: Record<string, { multiturn: boolean }>;
  /** How long signed image URLs stay valid. Default one hour. */
  imageTtlMs?: number;
}

export const DEPICTA_TEST_KEY = 'dpct_simTest0000000000000000000000000000001';
/** An account without credit: 402 `credit_insufficient` on create. */
export const DEPICTA_NO_CREDIT_KEY = 'dpct_simNoCredit000000000000000000000000002';
/** An account whose e-mail is not verified: 403 `auth_email_not_verified`. */
export const DEPICTA_UNVERIFIED_KEY = 'dpct_simUnverified0000000000000000000000003';
/** A suspended account: 403 `account_suspended`. */
export const DEPICTA_SUSPENDED_KEY = 'dpct_simSuspended00000000000000000000000004';
/** A model that supports multi-turn generation, and one that does not (422 `model_not_capable`). */
export const DEPICTA_STORY_MODEL = 'sim-story-multiturn';
export const DEPICTA_SINGLE_TURN_MODEL = 'sim-single-turn';

/** The aspect ratios Depicta accepts. */
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

/** A realistic story: queued briefly, then one scene every few seconds. */
export const depictaDefaultScript: DepictaScript = {
  timeline: [
    { afterMs: 0, status: 'pending' },
    { afterMs: 1_500, status: 'processing', scenesCompleted: 0 },
    { afterMs: 6_000, status: 'processing', scenesCompleted: 1 },
    { afterMs: 10_000, status: 'processing', scenesCompleted: 2 },
    { afterMs: 14_000, status: 'processing', scenesCompleted: 3 },
    { afterMs: 18_000, status: 'completed' },
  ],
};

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['bad_request', 'The request body is invalid.'],
  401: ['auth_invalid', 'Missing or invalid API key.'],
  402: ['credit_insufficient', 'Not enough credit for this generation.'],
  403: ['content_rejected', 'The content was rejected by moderation.'],
  404: ['not_found', 'Job not found.'],
  409: ['conflict', 'The request conflicts with the current state.'],
  413: ['payload_too_large', 'The request body is too large.'],
  422: ['unprocessable_entity', 'The request cannot be processed.'],
  429: ['rate_limited', 'too many concurrent requests (max 10)'],
  451: ['unavailable_for_legal_reasons', 'The content cannot be generated for legal reasons.'],
  500: ['internal_error', 'Internal error. Retry with back-off.'],
  502: ['bad_gateway', 'Bad gateway.'],
  503: ['service_unavailable', 'Service unavailable.'],
};

interface DepictaSimJob {
  id: string;
  apiKey: string;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  scenes: string[];
  characters: { name: string; reference_url?: string | null }[];
  player: ScriptPlayer<DepictaStatusStep | DepictaHoldStep>;
}

/** The simulated Depicta story API: create, status (and its alias), signed images, every documented error. */
export class DepictaSim {
  readonly scripts = new ScriptQueue<DepictaScript>();
  /** Answers for the next create requests, one each, oldest first. */
  readonly createAnswers: DepictaCreateStep[] = [];
  private readonly jobs = new Map<string, DepictaSimJob>();
  private readonly keys: Set<string>;
  private readonly inFlightByKey = new Map<string, number>();
  private readonly maxConcurrent: number;
  private readonly retryAfterSeconds: number;
  private readonly maxBodyBytes: number;
  private readonly models: Record<string, { multiturn: boolean }>;
  private readonly imageTtlMs: number;
  private readonly signingSecret = randomUUID();

  constructor(options: DepictaSimOptions = {}) {
    this.keys = new Set([
      ...(options.keys ?? [DEPICTA_TEST_KEY]),
      DEPICTA_NO_CREDIT_KEY,
      DEPICTA_UNVERIFIED_KEY,
      DEPICTA_SUSPENDED_KEY,
    ]);
    this.maxConcurrent = options.maxConcurrent ?? 10;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
    this.models = options.models ?? { [DEPICTA_STORY_MODEL]: { multiturn: true }, [DEPICTA_SINGLE_TURN_MODEL]: { multiturn: false } };
    this.imageTtlMs = options.imageTtlMs ?? 3_600_000;
  }

  /** Adds a job directly (as if created earlier), for attach tests. Returns its id. */
  addJob(script: DepictaScript, options: { apiKey?: string; now?: number; scenes?: string[]; characters?: string[] } = {}): string {
    const scenes = options.scenes ?? ['Scene one', 'Scene two'];
    const characters = (options.characters ?? ['Aria']).map((name) => ({ name }));
    return this.newJob(options.apiKey ?? DEPICTA_TEST_KEY, script, options.now ?? 0, scenes, characters);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  /** Requests of one key (or of all keys) received and not yet answered. */
  inFlight(apiKey?: string): number {
    if (apiKey !== undefined) return this.inFlightByKey.get(apiKey) ?? 0;
    return [...this.inFlightByKey.values()].reduce((a, b) => a + b, 0);
  }

  routes(): SimRoute[] {
    const status = (r: SimRequest) => this.guarded(r, (key) => this.status(r, key));
    return [
      { provider: 'depicta', method: 'POST', pattern: /^\/v1\/generate\/story$/, handle: (r) => this.guarded(r, (key) => this.create(r, key)) },
      { provider: 'depicta', method: 'GET', pattern: /^\/v1\/jobs\/(?<id>[^/]+)$/, handle: status },
      { provider: 'depicta', method: 'GET', pattern: /^\/v1\/generate\/story\/(?<id>[^/]+)$/, handle: status },
      { provider: 'depicta', method: 'GET', pattern: /^\/depicta\/images\/(?<file>[^/]+)$/, handle: (r) => this.image(r) },
    ];
  }

  private newJob(apiKey: string, script: DepictaScript, now: number, scenes: string[], characters: DepictaSimJob['characters']): string {
    const id = randomUUID();
    this.jobs.set(id, {
      id,
      apiKey,
      createdAt: now,
      startedAt: null,
      completedAt: null,
      scenes,
      characters,
      player: new ScriptPlayer(script, now),
    });
    return id;
  }

  /** Auth, then the per-key limit of requests in flight; the request counts until it is answered. */
  private async guarded(request: SimRequest, handle: (key: string) => SimAnswer | Promise<SimAnswer>): Promise<SimAnswer> {
    const key = /^Bearer (dpct_\S+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    if (!key || !this.keys.has(key)) return error(401, 'auth_invalid', 'Missing or invalid API key.');
    if (key === DEPICTA_UNVERIFIED_KEY) {
      return error(403, 'auth_email_not_verified', 'Verify your e-mail address before using the API.');
    }
    if (key === DEPICTA_SUSPENDED_KEY) return error(403, 'account_suspended', 'This account is suspended.');
    const inFlight = this.inFlight(key);
    if (inFlight >= this.maxConcurrent) {
      return error(429, 'rate_limited', `too many concurrent requests (max ${this.maxConcurrent})`, {
        headers: { 'retry-after': String(this.retryAfterSeconds) },
      });
    }
    this.inFlightByKey.set(key, inFlight + 1);
    try {
      return await handle(key);
    } finally {
      this.inFlightByKey.set(key, this.inFlight(key) - 1);
    }
  }

  private async create(request: SimRequest, key: string): Promise<SimAnswer> {
    let scripted = this.createAnswers.shift();
    while (scripted && 'holdUntil' in scripted) {
      await scripted.holdUntil;
      scripted = this.createAnswers.shift();
    }
    if (scripted && 'http' in scripted) return scriptedError(scripted);
    if (scripted && 'fault' in scripted) return { fault: scripted.fault };
    const refusal = this.validate(request, key);
    if (refusal) return refusal;
    const body = request.body as { scenes: { prompt: string }[]; characters: DepictaSimJob['characters'] };
    const script = this.scripts.take(body) ?? depictaDefaultScript;
    const scenes = body.scenes.map((s) => s.prompt);
    const characters = body.characters.map((c) => ({ name: c.name, reference_url: c.reference_url }));
    const jobId = this.newJob(key, script, request.now, scenes, characters);
    const headers = { 'x-depicta-job-id': jobId };
    if (scripted && 'lostBody' in scripted) return { status: 202, raw: `{"job_id": "${jobId.slice(0, 8)}`, headers, jobId };
    return json(202, { job_id: jobId, poll_url: `/v1/generate/story/${jobId}` }, { headers, jobId });
  }

  private validate(request: SimRequest, key: string): SimAnswer | undefined {
    if (Buffer.byteLength(request.rawBody) > this.maxBodyBytes) {
      return error(413, 'payload_too_large', `The request body exceeds ${this.maxBodyBytes} bytes.`);
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return error(400, 'bad_request', 'The body must be a JSON object.');
    const invalid = (message: string, field: string) => error(400, 'bad_request', message, { details: { field } });
    if (typeof body.model !== 'string' || body.model === '') return invalid('model is required.', 'model');
    const model = this.models[body.model];
    if (!model) return invalid(`Unknown model "${body.model}": see GET /v1/models.`, 'model');
    const characters = body.characters;
    if (!Array.isArray(characters) || characters.length < 1 || characters.length > 10) {
      return invalid('characters must list 1 to 10 characters.', 'characters');
    }
    if (!characters.every((c) => typeof c?.name === 'string' && typeof c?.appearance === 'string')) {
      return invalid('every character needs a name and an appearance.', 'characters');
    }
    const scenes = body.scenes;
    if (!Array.isArray(scenes) || scenes.length < 1 || !scenes.every((s) => typeof s?.prompt === 'string')) {
      return invalid('scenes must list at least one scene with a prompt.', 'scenes');
    }
    if (body.aspect_ratio != null && !ASPECT_RATIOS.includes(String(body.aspect_ratio))) {
      return invalid(`aspect_ratio must be one of ${ASPECT_RATIOS.join(', ')}.`, 'aspect_ratio');
    }
    if (!model.multiturn) {
      return error(422, 'model_not_capable', `Model "${body.model}" does not support multi-turn generation.`);
    }
    if (key === DEPICTA_NO_CREDIT_KEY) return error(402, 'credit_insufficient', 'Insufficient credits. Top up to continue.');
    return undefined;
  }

  private async status(request: SimRequest, key: string): Promise<SimAnswer> {
    const job = this.jobs.get(request.params.id);
    if (!job || job.apiKey !== key) return error(404, 'not_found', 'Job not found.', { jobId: request.params.id });
    let step = job.player.next(request.now);
    while (typeof step === 'object' && step !== null && 'holdUntil' in step) {
      await step.holdUntil;
      step = job.player.next(request.now);
    }
    const headers = { 'x-depicta-job-id': job.id };
    if (typeof step === 'object' && step !== null && 'http' in step && step.body === undefined) {
      return scriptedError({ http: step.http, headers: step.headers }, job.id);
    }
    const shared = sharedStepAnswer(step, job.id);
    if (shared) return shared;
    const s = step as DepictaStatusStep;
    const total = job.scenes.length;
    const done = Math.min(total, 'scenesCompleted' in s && typeof s.scenesCompleted === 'number' ? s.scenesCompleted : 0);
    if (s.status !== 'pending') job.startedAt ??= request.now;
    if (s.status === 'completed' || s.status === 'failed') job.completedAt ??= request.now;
    const body: Record<string, unknown> = {
      job_id: job.id,
      status: s.status,
      scenes_completed: s.status === 'completed' ? total : done,
      scenes_total: total,
      created_at: iso(job.createdAt),
    };
    if (job.startedAt !== null) body.started_at = iso(job.startedAt);
    if (job.completedAt !== null) body.completed_at = iso(job.completedAt);
    if (s.status === 'completed') body.result = this.result(request, job);
    if (s.status === 'failed') {
      body.error = ('error' in s && s.error) || { code: 'content_rejected', message: 'A scene was rejected by content moderation.' };
    }
    return json(200, body, { headers, jobId: job.id });
  }

  private result(request: SimRequest, job: DepictaSimJob) {
    return {
      scenes: job.scenes.map((prompt, i) => ({
        prompt,
        images: Object.fromEntries(['png', 'jpeg', 'webp'].map((ext) => [ext, this.signedUrl(request, `${job.id}-scene-${i + 1}.${ext}`)])),
      })),
      characters: job.characters.map((c, i) => ({
        name: c.name,
        reference_url: c.reference_url ?? this.signedUrl(request, `${job.id}-character-${i + 1}.png`),
      })),
    };
  }

  private signedUrl(request: SimRequest, file: string): string {
    const expires = Math.floor((request.now + this.imageTtlMs) / 1000);
    return `${request.baseUrl}/depicta/images/${file}?expires=${expires}&signature=${this.sign(file, expires)}`;
  }

  private sign(file: string, expires: number): string {
    return createHmac('sha256', this.signingSecret).update(`${file}:${expires}`).digest('hex');
  }

  private image(request: SimRequest): SimAnswer {
    const file = request.params.file;
    const expires = Number(request.query.get('expires'));
    if (!Number.isFinite(expires) || request.query.get('signature') !== this.sign(file, expires)) {
      return error(403, 'invalid_signature', 'The image link is not valid.');
    }
    if (request.now / 1000 > expires) return error(403, 'link_expired', 'The image link has expired.');
    const type = file.endsWith('.jpeg') ? 'image/jpeg' : file.endsWith('.webp') ? 'image/webp' : 'image/png';
    return { status: 200, raw: Buffer.from(`simulated image ${file}`), contentType: type };
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Depicta's error body: `{ error, message, details?, request_id }`. */
function error(
  status: number,
  code: string,
  message: string,
  extra: { details?: unknown; headers?: Record<string, string>; jobId?: string } = {},
): SimAnswer {
  const body = { error: code, message, ...(extra.details === undefined ? {} : { details: extra.details }), request_id: `req_${randomUUID().slice(0, 12)}` };
  return json(status, body, { ...(extra.headers ? { headers: extra.headers } : {}), ...(extra.jobId ? { jobId: extra.jobId } : {}) });
}

function scriptedError(step: { http: number; error?: string; message?: string; details?: unknown; headers?: Record<string, string> }, jobId?: string): SimAnswer {
  const [code, message] = DEFAULT_CODES[step.http] ?? [`http_${step.http}`, `HTTP ${step.http}`];
  const headers = step.http === 429 ? { 'retry-after': '1', ...step.headers } : step.headers;
  return error(step.http, step.error ?? code, step.message ?? message, { details: step.details, headers, jobId });
}
