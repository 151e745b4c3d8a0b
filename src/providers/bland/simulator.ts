import { randomUUID } from 'node:crypto';
import { header, json, type SimAnswer, type SimRequest, type SimRoute } from '../../simulator/http.js';
import { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript } from '../../simulator/script.js';

/** What a Bland status request can answer (the `data` of the seed's examples). */
export type BlandStatusStep =
  | { ready: false }
  | { ready: true; pathwayId?: string }
  | { ready: true; error: string };

export type BlandScript = JobScript<BlandStatusStep>;

export interface BlandSimOptions {
  /** Valid API keys. */
  keys?: string[];
}

export const BLAND_TEST_KEY = 'org_simulated_bland_0001';

/** A realistic job: generating for twenty seconds after the first status request. */
export const blandDefaultScript: BlandScript = {
  timeline: [
    { afterMs: 0, ready: false },
    { afterMs: 20_000, ready: true },
  ],
};

interface BlandSimJob {
  id: string;
  apiKey: string;
  script: BlandScript;
  /** Set by the first status request: the job does not move before it. */
  player: ScriptPlayer<BlandStatusStep> | null;
  startedAt: number | null;
}

/**
 * Bland documents neither status codes nor rate limits. The simulator answers its refusals with the body the
 * docs show and a plausible status (400 bad input, 401 bad key, 404 unknown job); the client reads the words.
 */
const refused = (status: number, entry: { error: string; message: string }, jobId?: string): SimAnswer =>
  json(status, { data: null, errors: [entry] }, jobId === undefined ? {} : { jobId });

/** The simulated Bland pathway-generation API: create, status, with the documented bodies. */
export class BlandSim {
  readonly scripts = new ScriptQueue<BlandScript>();
  private readonly jobs = new Map<string, BlandSimJob>();
  private readonly keys: Set<string>;

  constructor(options: BlandSimOptions = {}) {
    this.keys = new Set(options.keys ?? [BLAND_TEST_KEY]);
  }

  /** Adds a queued job directly (as if created earlier), for attach tests. Returns its id. */
  addJob(script: BlandScript, options: { apiKey?: string } = {}): string {
    return this.newJob(options.apiKey ?? BLAND_TEST_KEY, script);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  /** When the job's generation started (its first status request), or null while it is only queued. */
  startedAt(jobId: string): number | null {
    return this.jobs.get(jobId)?.startedAt ?? null;
  }

  routes(): SimRoute[] {
    return [
      { provider: 'bland', method: 'POST', pattern: /^\/v1\/pathway\/generate$/, handle: (r) => this.create(r) },
      {
        provider: 'bland',
        method: 'GET',
        pattern: /^\/v1\/pathway\/generate\/status\/(?<id>[^/]+)$/,
        handle: (r) => this.status(r),
      },
    ];
  }

  private newJob(apiKey: string, script: BlandScript): string {
    const id = randomUUID();
    this.jobs.set(id, { id, apiKey, script, player: null, startedAt: null });
    return id;
  }

  /** The raw key in `authorization` (a "Bearer " prefix makes it another, unknown key). */
  private authorize(request: SimRequest): SimAnswer | string {
    const key = header(request, 'authorization') ?? '';
    if (!this.keys.has(key)) return refused(401, { error: 'UNAUTHORIZED', message: 'Invalid API key.' });
    return key;
  }

  private create(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const body = request.body as { input_prompt?: unknown; input_name?: unknown } | undefined;
    const prompt = body?.input_prompt;
    // The docs' own example, code in `message` and words in `error`.
    if (typeof prompt !== 'string' || prompt.length < 100) {
      return refused(400, { message: 'PATHWAY_GENERATION_ERROR', error: 'Prompt must be greater than 100 characters.' });
    }
    if (prompt.length > 8000) {
      return refused(400, { message: 'PATHWAY_GENERATION_ERROR', error: 'Prompt must be less than 8000 characters.' });
    }
    const jobId = this.newJob(key, this.scripts.take(body) ?? blandDefaultScript);
    return json(200, { data: { jobId }, errors: null }, { jobId });
  }

  private status(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const job = this.jobs.get(request.params.id);
    // The seed's order, code in `error` and words in `message`.
    if (!job || job.apiKey !== key) {
      return refused(404, { error: 'PATHWAY_GENERATION_FAILED', message: 'Job not found' }, request.params.id);
    }
    if (job.player === null) {
      job.player = new ScriptPlayer(job.script, request.now);
      job.startedAt = request.now;
    }
    const step = job.player.next(request.now);
    const shared = sharedStepAnswer(step, job.id);
    if (shared) return shared;
    const s = step as BlandStatusStep;
    if (!s.ready) return json(200, { data: { ready: false }, errors: null }, { jobId: job.id });
    if ('error' in s) return json(200, { data: { ready: true, error: s.error }, errors: null }, { jobId: job.id });
    const pathwayId = ('pathwayId' in s && s.pathwayId) || randomUUID();
    return json(200, { data: { ready: true, pathway_id: pathwayId }, errors: null }, { jobId: job.id });
  }
}
