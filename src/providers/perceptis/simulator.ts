import { createHmac, randomUUID } from 'node:crypto';
import { header, json, type SimAnswer, type SimRequest, type SimRoute } from '../../simulator/http.js';
import { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript } from '../../simulator/script.js';

/** A Perceptis status a script can put a job in. */
export type PerceptisStatusStep =
  | { status: 'pending' }
  | { status: 'processing' }
  | { status: 'completed'; variants?: number }
  | { status: 'failed'; error?: { code: string; message: string } }
  /** Any other value, to test how a client copes with a status it does not know. */
  | { status: string };

export type PerceptisScript = JobScript<PerceptisStatusStep>;

export interface PerceptisSimOptions {
  /** Keys of eligible (Business/Enterprise) organisations. */
  keys?: string[];
  /** Keys of organisations that are not eligible: 403. */
  ineligibleKeys?: string[];
  /** A job polled again sooner than this gets 429 with Retry-After. Default 1000 ms (the provider's "once per second"). */
  minPollIntervalMs?: number;
  /** How long download links stay valid. Default one hour. */
  downloadTtlMs?: number;
}

export const PERCEPTIS_TEST_KEY = 'sk-live-per-simulated-business-0001';
export const PERCEPTIS_INELIGIBLE_KEY = 'sk-live-per-simulated-starter-0002';

/** A realistic job: queued briefly, then generating for a few seconds. */
export const perceptisDefaultScript: PerceptisScript = {
  timeline: [
    { afterMs: 0, status: 'pending' },
    { afterMs: 1_500, status: 'processing' },
    { afterMs: 6_000, status: 'completed' },
  ],
};

interface PerceptisSimJob {
  id: string;
  apiKey: string;
  outputType: string;
  player: ScriptPlayer<PerceptisStatusStep>;
  lastPollAt: number | null;
}

const error = (status: number, code: string, message: string, extra: { jobId?: string; headers?: Record<string, string> } = {}) =>
  json(status, { error: { code, message } }, extra);

/** The simulated Perceptis API: every call of ../shared/providers.md, with its status codes and bodies. */
export class PerceptisSim {
  readonly scripts = new ScriptQueue<PerceptisScript>();
  private readonly jobs = new Map<string, PerceptisSimJob>();
  private readonly idempotency = new Map<string, { bodyHash: string; jobId: string }>();
  private readonly keys: Set<string>;
  private readonly ineligible: Set<string>;
  private readonly minPollIntervalMs: number;
  private readonly downloadTtlMs: number;
  private readonly signingSecret = randomUUID();

  constructor(options: PerceptisSimOptions = {}) {
    this.keys = new Set(options.keys ?? [PERCEPTIS_TEST_KEY]);
    this.ineligible = new Set(options.ineligibleKeys ?? [PERCEPTIS_INELIGIBLE_KEY]);
    this.minPollIntervalMs = options.minPollIntervalMs ?? 1_000;
    this.downloadTtlMs = options.downloadTtlMs ?? 3_600_000;
  }

  /** Adds a job directly (as if created earlier), for attach-by-id tests. Returns its id. */
  addJob(script: PerceptisScript, options: { apiKey?: string; now?: number; outputType?: string } = {}): string {
    return this.newJob(options.apiKey ?? PERCEPTIS_TEST_KEY, options.outputType ?? 'single_slide', script, options.now ?? 0);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  routes(): SimRoute[] {
    return [
      { provider: 'perceptis', method: 'POST', pattern: /^\/api\/v1\/generate$/, handle: (r) => this.create(r) },
      { provider: 'perceptis', method: 'GET', pattern: /^\/api\/v1\/status\/(?<id>[^/]+)$/, handle: (r) => this.status(r) },
      { provider: 'perceptis', method: 'GET', pattern: /^\/downloads\/(?<file>[^/]+\.pptx)$/, handle: (r) => this.download(r) },
    ];
  }

  private newJob(apiKey: string, outputType: string, script: PerceptisScript, now: number): string {
    const id = randomUUID();
    this.jobs.set(id, { id, apiKey, outputType, player: new ScriptPlayer(script, now), lastPollAt: null });
    return id;
  }

  private authorize(request: SimRequest): SimAnswer | string {
    const value = header(request, 'authorization') ?? '';
    const key = /^Bearer (.+)$/.exec(value)?.[1];
    if (!key || (!this.keys.has(key) && !this.ineligible.has(key))) {
      return error(401, 'unauthorized', 'Missing, invalid, or revoked API key.');
    }
    if (this.ineligible.has(key)) {
      return error(
        403,
        'forbidden',
        'Organization is not eligible for API access. Perceptis API usage requires a paid Business or Enterprise plan.',
      );
    }
    return key;
  }

  private create(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const body = request.body as { prompt?: unknown; output_type?: unknown } | undefined;
    if (!body || typeof body.prompt !== 'string' || body.prompt.trim() === '') {
      return error(400, 'invalid_request', 'prompt is required.');
    }
    if (body.output_type !== 'single_slide' && body.output_type !== 'deck') {
      return error(400, 'invalid_request', 'output_type must be "single_slide" or "deck".');
    }
    const idempotencyKey = header(request, 'idempotency-key');
    const bodyHash = createHmac('sha256', 'body').update(request.rawBody).digest('hex');
    if (idempotencyKey) {
      const seen = this.idempotency.get(`${key}\n${idempotencyKey}`);
      if (seen && seen.bodyHash !== bodyHash) {
        return error(409, 'idempotency_conflict', 'This Idempotency-Key was already used with a different request body.');
      }
      if (seen) return json(200, { job_id: seen.jobId, status: 'pending' }, { jobId: seen.jobId });
    }
    const script = this.scripts.take(body) ?? perceptisDefaultScript;
    const jobId = this.newJob(key, body.output_type, script, request.now);
    if (idempotencyKey) this.idempotency.set(`${key}\n${idempotencyKey}`, { bodyHash, jobId });
    return json(200, { job_id: jobId, status: 'pending' }, { jobId });
  }

  private status(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const job = this.jobs.get(request.params.id);
    if (!job || job.apiKey !== key) {
      return error(404, 'not_found', 'Unknown job, or the job was not created with this API key.', { jobId: request.params.id });
    }
    if (job.lastPollAt !== null && request.now - job.lastPollAt < this.minPollIntervalMs) {
      const waitMs = this.minPollIntervalMs - (request.now - job.lastPollAt);
      return error(429, 'rate_limit_exceeded', 'Polling too quickly. Use Retry-After and back off.', {
        jobId: job.id,
        headers: { 'retry-after': String(Math.ceil(waitMs / 1000)) },
      });
    }
    job.lastPollAt = request.now;
    const step = job.player.next(request.now);
    const shared = sharedStepAnswer(step, job.id);
    if (shared) return shared;
    const s = step as PerceptisStatusStep;
    const base = { job_id: job.id, status: s.status, output_type: job.outputType, downloads: [] as unknown[], error: null as unknown };
    if (s.status === 'completed') {
      const variants = ('variants' in s && s.variants) || 1;
      base.downloads = Array.from({ length: variants }, (_, i) => ({
        url: this.signedUrl(request, job.id, i + 1),
        format: 'pptx',
        variant: i + 1,
      }));
    }
    if (s.status === 'failed') {
      base.error = ('error' in s && s.error) || { code: 'generation_failed', message: 'The deck could not be generated.' };
    }
    return json(200, base, { jobId: job.id });
  }

  private signedUrl(request: SimRequest, jobId: string, variant: number): string {
    const file = `${jobId}-${variant}.pptx`;
    const expires = Math.floor((request.now + this.downloadTtlMs) / 1000);
    return `${request.baseUrl}/downloads/${file}?expires=${expires}&signature=${this.sign(file, expires)}`;
  }

  private sign(file: string, expires: number): string {
    return createHmac('sha256', this.signingSecret).update(`${file}:${expires}`).digest('hex');
  }

  private download(request: SimRequest): SimAnswer {
    const file = request.params.file;
    const expires = Number(request.query.get('expires'));
    const signature = request.query.get('signature') ?? '';
    if (!Number.isFinite(expires) || signature !== this.sign(file, expires)) {
      return error(403, 'invalid_signature', 'The download link is not valid.');
    }
    if (request.now / 1000 > expires) {
      return error(403, 'link_expired', 'The download link has expired: poll the job status for a fresh one.');
    }
    return { status: 200, raw: Buffer.from(`simulated pptx for ${file}`), contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' };
  }
}
