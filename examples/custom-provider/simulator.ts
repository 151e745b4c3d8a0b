/**
 * Acme Transcribe, simulated for the example's own tests: the two calls of its API on the simulator's server
 * (`startSimulator({ providers: [acme] })`), each job answering from a script the test queues.
 */
import { randomUUID } from 'node:crypto';
import {
  header,
  json,
  ScriptPlayer,
  ScriptQueue,
  sharedStepAnswer,
  type JobScript,
  type SimAnswer,
  type SimRequest,
  type SimRoute,
} from 'jobcharts/simulator';

/** What one status request of a job answers. */
export type AcmeStatusStep =
  | { status: 'queued' }
  | { status: 'running'; percent?: number }
  | { status: 'done'; transcript_url?: string }
  | { status: 'error'; message?: string };

export type AcmeScript = JobScript<AcmeStatusStep>;

export interface AcmeSimOptions {
  /** The keys it accepts (default: {@link ACME_TEST_KEY}). */
  keys?: string[];
}

export const ACME_TEST_KEY = 'acme-simulated-key-0001';

/** A job nobody scripted: queued, then running, then done, one status request each. */
const defaultScript: AcmeScript = { steps: [{ status: 'queued' }, { status: 'running', percent: 50 }, { status: 'done' }] };

const refused = (status: number, code: string, message: string, jobId?: string): SimAnswer =>
  json(status, { code, message }, jobId === undefined ? {} : { jobId });

export class AcmeSim {
  readonly scripts = new ScriptQueue<AcmeScript>();
  private readonly jobs = new Map<string, { apiKey: string; player: ScriptPlayer<AcmeStatusStep> }>();
  private readonly keys: Set<string>;

  constructor(options: AcmeSimOptions = {}) {
    this.keys = new Set(options.keys ?? [ACME_TEST_KEY]);
  }

  /** A job made earlier (for attaching to it by id). */
  addJob(script: AcmeScript, options: { apiKey?: string } = {}): string {
    return this.newJob(options.apiKey ?? ACME_TEST_KEY, script, 0);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  routes(): SimRoute[] {
    return [
      { provider: 'acme', method: 'POST', pattern: /^\/v1\/jobs$/, handle: (r) => this.create(r) },
      { provider: 'acme', method: 'GET', pattern: /^\/v1\/jobs\/(?<id>[^/]+)$/, handle: (r) => this.status(r) },
    ];
  }

  private newJob(apiKey: string, script: AcmeScript, now: number): string {
    const id = randomUUID();
    this.jobs.set(id, { apiKey, player: new ScriptPlayer(script, now) });
    return id;
  }

  private keyOf(request: SimRequest): string | undefined {
    const key = header(request, 'authorization')?.replace(/^Bearer /, '');
    return key !== undefined && this.keys.has(key) ? key : undefined;
  }

  private create(request: SimRequest): SimAnswer {
    const key = this.keyOf(request);
    if (!key) return refused(401, 'unauthorized', 'Unknown API key.');
    const body = request.body as { audio_url?: unknown } | undefined;
    if (typeof body?.audio_url !== 'string' || body.audio_url === '') return refused(400, 'invalid_request', 'audio_url is required.');
    const id = this.newJob(key, this.scripts.take(body) ?? defaultScript, request.now);
    return json(201, { id }, { jobId: id });
  }

  private status(request: SimRequest): SimAnswer {
    const key = this.keyOf(request);
    const id = request.params.id;
    if (!key) return refused(401, 'unauthorized', 'Unknown API key.', id);
    const job = this.jobs.get(id);
    if (!job || job.apiKey !== key) return refused(404, 'not_found', 'No such job.', id);
    const step = job.player.next(request.now);
    const shared = sharedStepAnswer(step, id);
    if (shared) return shared;
    const s = step as AcmeStatusStep;
    switch (s.status) {
      case 'queued':
        return json(200, { id, status: 'queued' }, { jobId: id });
      case 'running':
        return json(200, { id, status: 'running', percent: s.percent ?? 50 }, { jobId: id });
      case 'done':
        return json(200, { id, status: 'done', transcript_url: s.transcript_url ?? `${request.baseUrl}/files/${id}.txt` }, { jobId: id });
      case 'error':
        return json(200, { id, status: 'error', message: s.message ?? 'The audio could not be transcribed.' }, { jobId: id });
    }
  }
}
