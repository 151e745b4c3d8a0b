import { header, json, type SimAnswer, type SimRequest, type SimRoute } from '../../simulator/http.js';
import { ScriptPlayer, ScriptQueue, sharedStepAnswer, type JobScript, type ScriptStep, type TimedStep } from '../../simulator/script.js';

export type CataSimStage = 'queued' | 'gathering' | 'generating' | 'testing' | 'retrying' | 'done';

/** One test run of the draft script, as a `testing` step can script it (default: passed). */
export interface CataSimTest {
  passed: boolean;
  error?: string;
  outputCount?: number;
}

/** Answers to the next /respond requests of a clarification round, before Cata handles one itself. */
export type CataRespondStep = ScriptStep<never>;

/** A Cata status a script can put a job in. */
export type CataStatusStep =
  | { status: 'pending' }
  | { status: 'running'; stage: CataSimStage; test?: CataSimTest }
  /** The job stops here until /respond is accepted; then the script goes on with the next step. */
  | { status: 'needs_clarification'; question?: string; respond?: CataRespondStep[] }
  | { status: 'completed'; resultScriptId?: number }
  /** `reason` becomes the last log line. */
  | { status: 'failed'; reason?: string }
  /** Any other value, to test how a client copes with what Cata never documented. */
  | { status: string; stage?: string };

export type CataScript = JobScript<CataStatusStep>;

export interface CataSimOptions {
  /** Accepted `X-Api-Key` values. */
  keys?: string[];
}

export const CATA_TEST_KEY = 'cata-simulated-tenant-key-0001';

/** One answer as it reached `/respond`, and what the simulator answered. */
export interface CataAnswerReceived {
  jobId: number;
  at: number;
  /** The request body's `response` as sent (`undefined` when missing). */
  response: unknown;
  answer: number | string;
}

const failedTest = (error: string): CataSimTest => ({ passed: false, error });

/** A realistic job: one failed test run, one retry, then a saved script (about 17 s). */
export const cataDefaultScript: CataScript = {
  timeline: [
    { afterMs: 0, status: 'pending' },
    { afterMs: 400, status: 'running', stage: 'queued' },
    { afterMs: 1_200, status: 'running', stage: 'gathering' },
    { afterMs: 3_500, status: 'running', stage: 'generating' },
    { afterMs: 8_000, status: 'running', stage: 'testing', test: failedTest("TypeError: Cannot read properties of undefined (reading 'outlets')") },
    { afterMs: 9_500, status: 'running', stage: 'retrying' },
    { afterMs: 10_500, status: 'running', stage: 'generating' },
    { afterMs: 14_000, status: 'running', stage: 'testing', test: { passed: true, outputCount: 12 } },
    { afterMs: 16_000, status: 'running', stage: 'done' },
    { afterMs: 17_000, status: 'completed' },
  ],
};

const threeFailedRuns = (from: number, errors: [string, string, string]): TimedStep<CataStatusStep>[] => [
  { afterMs: from, status: 'running', stage: 'generating' },
  { afterMs: from + 3_000, status: 'running', stage: 'testing', test: failedTest(errors[0]) },
  { afterMs: from + 4_000, status: 'running', stage: 'retrying' },
  { afterMs: from + 5_000, status: 'running', stage: 'testing', test: failedTest(errors[1]) },
  { afterMs: from + 6_000, status: 'running', stage: 'retrying' },
  { afterMs: from + 7_000, status: 'running', stage: 'testing', test: failedTest(errors[2]) },
];

const finish = (from: number): TimedStep<CataStatusStep>[] => [
  { afterMs: from, status: 'running', stage: 'generating' },
  { afterMs: from + 3_000, status: 'running', stage: 'testing', test: { passed: true, outputCount: 8 } },
  { afterMs: from + 4_500, status: 'running', stage: 'done' },
  { afterMs: from + 5_000, status: 'completed' },
];

/** Three failed test runs, one question (where are the outlets?), then a saved script once it is answered. */
export const cataClarifyOnceScript: CataScript = {
  timeline: [
    { afterMs: 0, status: 'pending' },
    { afterMs: 400, status: 'running', stage: 'queued' },
    { afterMs: 1_200, status: 'running', stage: 'gathering' },
    ...threeFailedRuns(3_500, [
      "TypeError: Cannot read properties of undefined (reading 'outlets')",
      'Expected an array of outlets, got object',
      'Expected an array of outlets, got object',
    ]),
    {
      afterMs: 11_000,
      status: 'needs_clarification',
      question: 'The sample response has no `outlets` array. Which field of the response lists the outlets?',
    },
    ...finish(11_001),
  ],
};

/** Two questions before the script passes its tests. */
export const cataClarifyTwiceScript: CataScript = {
  timeline: [
    ...(cataClarifyOnceScript as { timeline: TimedStep<CataStatusStep>[] }).timeline.slice(0, -4),
    ...threeFailedRuns(11_001, [
      'Outlet ids must be strings, got number',
      'Outlet ids must be strings, got number',
      'Outlet ids must be strings, got number',
    ]),
    {
      afterMs: 19_000,
      status: 'needs_clarification',
      question: 'Store ids are numbers in the sample data. Should they be sent as strings, or should the store code be used?',
    },
    ...finish(19_001),
  ],
};

const TOPICS = ['test_connection', 'list_remote_outlets', 'sync_outlet', 'sync_products', 'order_dispatch', 'order_status_update', 'snooze_items'];

interface CataSimJob {
  id: number;
  apiKey: string;
  provider: string;
  topic: string;
  player: ScriptPlayer<CataStatusStep>;
  /** The part of the script being played (up to the next question). */
  segment: CataScript;
  /** What the script does after the question being played now is answered. */
  afterAnswer: CataScript | null;
  lastStep: object | null;
  status: string;
  stage: string;
  hypothesis: string;
  testResults: { attempt: number; passed: boolean; error: string; outputPreview: string; outputCount: number; timestamp: string }[];
  clarification: string;
  humanResponse: string;
  logs: { stage: string; message: string; timestamp: string }[];
  retries: number;
  resultScriptId: number;
  createdAt: number;
  updatedAt: number;
  /** While the job needs clarification: the scripted answers still to play to /respond. */
  awaiting: { respond: CataRespondStep[] } | null;
}

const error = (status: number, message: string, details: string, field: string, jobId?: number): SimAnswer =>
  json(status, { error: { code: status, message, details, field } }, jobId === undefined ? {} : { jobId });

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A job never goes past a question unanswered, however late it is polled: the script is played up to its first
 * `needs_clarification` step, and what follows starts when the answer comes (a timeline from that moment).
 */
function splitAtQuestion(script: CataScript): [CataScript, CataScript | null] {
  const isQuestion = (s: unknown) => (s as { status?: unknown }).status === 'needs_clarification';
  if ('steps' in script) {
    const at = script.steps.findIndex(isQuestion);
    if (at < 0 || at === script.steps.length - 1) return [script, null];
    return [{ steps: script.steps.slice(0, at + 1) }, { steps: script.steps.slice(at + 1) }];
  }
  const at = script.timeline.findIndex(isQuestion);
  if (at < 0 || at === script.timeline.length - 1) return [script, null];
  const rest = script.timeline.slice(at + 1);
  const shift = rest[0].afterMs;
  return [{ timeline: script.timeline.slice(0, at + 1) }, { timeline: rest.map((s) => ({ ...s, afterMs: s.afterMs - shift })) }];
}

/** The simulated Cata POS integration service: the adapter-script calls of ../shared/providers.md, exactly. */
export class CataSim {
  readonly scripts = new ScriptQueue<CataScript>();
  /** Every body that reached /respond, oldest first. */
  readonly answersReceived: CataAnswerReceived[] = [];
  private readonly jobs = new Map<number, CataSimJob>();
  private readonly keys: Set<string>;
  private nextId = 5719;

  constructor(options: CataSimOptions = {}) {
    this.keys = new Set(options.keys ?? [CATA_TEST_KEY]);
  }

  /** Adds a job directly (as if created earlier), for attach-by-id tests. Returns its id. */
  addJob(script: CataScript, options: { apiKey?: string; now?: number; provider?: string; topic?: string } = {}): number {
    return this.newJob(options.apiKey ?? CATA_TEST_KEY, options.provider ?? 'grabfood', options.topic ?? 'sync_outlet', script, options.now ?? 0);
  }

  get jobCount(): number {
    return this.jobs.size;
  }

  /** The `response` texts that reached /respond for one job, in order (refused ones included). */
  answers(jobId: number): unknown[] {
    return this.answersReceived.filter((a) => a.jobId === jobId).map((a) => a.response);
  }

  routes(): SimRoute[] {
    const jobs = '/api/v1/adapter-scripts/jobs';
    return [
      { provider: 'cata', method: 'POST', pattern: /^\/api\/v1\/adapter-scripts\/generate$/, handle: (r) => this.create(r) },
      { provider: 'cata', method: 'GET', pattern: new RegExp(`^${jobs}/(?<id>[^/]+)$`), handle: (r) => this.status(r) },
      { provider: 'cata', method: 'POST', pattern: new RegExp(`^${jobs}/(?<id>[^/]+)/respond$`), handle: (r) => this.respond(r) },
    ];
  }

  private newJob(apiKey: string, provider: string, topic: string, script: CataScript, now: number): number {
    const id = this.nextId++;
    const [upToQuestion, afterAnswer] = splitAtQuestion(script);
    this.jobs.set(id, {
      id,
      apiKey,
      provider,
      topic,
      player: new ScriptPlayer(upToQuestion, now),
      segment: upToQuestion,
      afterAnswer,
      lastStep: null,
      status: 'pending',
      stage: 'queued',
      hypothesis: '',
      testResults: [],
      clarification: '',
      humanResponse: '',
      logs: [{ stage: 'queued', message: `Job created for ${provider} / ${topic}`, timestamp: iso(now) }],
      retries: 0,
      resultScriptId: 0,
      createdAt: now,
      updatedAt: now,
      awaiting: null,
    });
    return id;
  }

  private authorize(request: SimRequest): SimAnswer | string {
    const key = header(request, 'x-api-key');
    if (!key || !this.keys.has(key)) return error(401, 'Unauthorized', 'Missing or invalid API key', 'X-Api-Key');
    return key;
  }

  /** The job a path names, if this key may see it. */
  private jobOf(request: SimRequest, key: string): CataSimJob | SimAnswer {
    const raw = request.params.id;
    if (!/^\d+$/.test(raw)) return error(400, 'Invalid job id', `jobId must be an integer, got "${raw}"`, 'jobId');
    const job = this.jobs.get(Number(raw));
    if (!job || job.apiKey !== key) {
      return error(404, 'Job not found', `No adapter script generation job with id ${raw}`, 'jobId', Number(raw));
    }
    return job;
  }

  private create(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const body = request.body as { provider?: unknown; topic?: unknown } | undefined;
    if (!body || typeof body.provider !== 'string' || body.provider.trim() === '') {
      return error(400, 'Validation failed', 'provider is required', 'provider');
    }
    if (typeof body.topic !== 'string' || !TOPICS.includes(body.topic)) {
      return error(400, 'Validation failed', `topic must be one of ${TOPICS.join(', ')}`, 'topic');
    }
    const script = this.scripts.take(body) ?? cataDefaultScript;
    const jobId = this.newJob(key, body.provider, body.topic, script, request.now);
    return json(200, { code: 200, jobId, message: 'Adapter script generation started', isSuccess: true }, { jobId });
  }

  private status(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const job = this.jobOf(request, key);
    if (!('id' in job)) return job;
    // A job that needs clarification stays there, whatever the script says next, until it is answered.
    if (!job.awaiting) {
      const step = job.player.next(request.now);
      const shared = sharedStepAnswer(step, job.id);
      if (shared) return shared;
      for (const passed of this.stepsSince(job, step as CataStatusStep)) this.play(job, passed, request.now);
      job.lastStep = step as object;
    }
    return json(200, { code: 200, isSuccess: true, message: 'OK', job: this.view(job) }, { jobId: job.id });
  }

  private respond(request: SimRequest): SimAnswer {
    const key = this.authorize(request);
    if (typeof key !== 'string') return key;
    const job = this.jobOf(request, key);
    if (!('id' in job)) return job;
    const response = (request.body as { response?: unknown } | undefined)?.response;
    const answer = this.answerTo(job, response, request.now);
    this.answersReceived.push({
      jobId: job.id,
      at: request.now,
      response,
      answer: 'fault' in answer ? answer.fault : answer.status,
    });
    return answer;
  }

  private answerTo(job: CataSimJob, response: unknown, now: number): SimAnswer {
    const scripted = job.awaiting?.respond.shift();
    if (scripted) return sharedStepAnswer(scripted, job.id)!;
    if (!job.awaiting) {
      return error(400, 'Job is not awaiting clarification', `Job ${job.id} is ${job.status}`, 'status', job.id);
    }
    if (typeof response !== 'string' || response.trim() === '') {
      return error(400, 'Validation failed', 'response is required and must not be empty', 'response', job.id);
    }
    job.awaiting = null;
    job.humanResponse = response;
    job.status = 'running';
    const [upToQuestion, afterAnswer] = splitAtQuestion(job.afterAnswer ?? { steps: [{ status: 'running', stage: 'generating' }] });
    job.player = new ScriptPlayer(upToQuestion, now);
    job.segment = upToQuestion;
    job.afterAnswer = afterAnswer;
    job.lastStep = null;
    this.log(job, 'Human response received; resuming generation', now);
    return json(200, { code: 200, isSuccess: true, message: 'Response recorded; generation resumed' }, { jobId: job.id });
  }

  /**
   * The steps the pipeline went through since the last status request: on a timeline, every step that came due
   * (a job polled seldom still ran each test); in `steps`, the one answered, unless it repeats the last.
   */
  private stepsSince(job: CataSimJob, step: CataStatusStep): CataStatusStep[] {
    if (step === job.lastStep) return [];
    if (!('timeline' in job.segment)) return [step];
    const timeline = job.segment.timeline as CataStatusStep[];
    const from = job.lastStep === null ? 0 : timeline.indexOf(job.lastStep as CataStatusStep) + 1;
    const to = timeline.indexOf(step);
    return to < from ? [step] : timeline.slice(from, to + 1);
  }

  /** Moves the job to a script step, as Cata's pipeline would: logs, drafts, test runs, retries. */
  private play(job: CataSimJob, step: CataStatusStep, now: number): void {
    job.status = step.status;
    switch (step.status) {
      case 'pending':
        job.stage = 'queued';
        return;
      case 'running':
        this.runStage(job, step as Extract<CataStatusStep, { stage: CataSimStage }>, now);
        return;
      case 'needs_clarification': {
        const s = step as Extract<CataStatusStep, { status: 'needs_clarification' }>;
        job.clarification = s.question ?? 'The generated script keeps failing its tests. What does the sample data look like?';
        job.awaiting = { respond: [...(s.respond ?? [])] };
        this.log(job, `Needs clarification: ${job.clarification}`, now);
        return;
      }
      case 'completed':
        job.stage = 'done';
        job.resultScriptId = (step as { resultScriptId?: number }).resultScriptId ?? 90_000 + job.id;
        this.log(job, `Saved candidate script #${job.resultScriptId}`, now);
        return;
      case 'failed':
        job.stage = 'done';
        this.log(job, (step as { reason?: string }).reason ?? 'Generation failed: all test attempts failed', now);
        return;
      default:
        job.stage = (step as { stage?: string }).stage ?? job.stage;
    }
  }

  private runStage(job: CataSimJob, step: { stage: CataSimStage; test?: CataSimTest }, now: number): void {
    job.stage = step.stage;
    switch (step.stage) {
      case 'queued':
        return this.log(job, 'Waiting for a worker', now);
      case 'gathering':
        return this.log(job, `Gathering context: ${job.provider} API docs and sample data for ${job.topic}`, now);
      case 'generating':
        job.hypothesis = this.draft(job);
        return this.log(job, `Generated script draft ${job.testResults.length + 1}`, now);
      case 'testing': {
        const test = step.test ?? { passed: true };
        const attempt = job.testResults.length + 1;
        const outputCount = test.passed ? (test.outputCount ?? 5) : 0;
        job.testResults.push({
          attempt,
          passed: test.passed,
          error: test.passed ? '' : (test.error ?? 'Test failed'),
          outputPreview: test.passed ? `[{"id":"OUT-1","name":"${job.provider} outlet 1"}, …]` : '',
          outputCount,
          timestamp: iso(now),
        });
        return this.log(job, test.passed ? `Test attempt ${attempt} passed (${outputCount} items)` : `Test attempt ${attempt} failed: ${test.error ?? 'Test failed'}`, now);
      }
      case 'retrying':
        job.retries += 1;
        return this.log(job, `Retrying (${job.retries}/3)`, now);
      case 'done':
        return this.log(job, 'Tests passed; saving candidate script', now);
    }
  }

  private draft(job: CataSimJob): string {
    const name = job.topic.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    const hint = job.humanResponse ? `  // per the answer: ${job.humanResponse.replace(/\s+/g, ' ')}\n` : '';
    return (
      `// ${job.provider} adapter: ${job.topic} (draft ${job.testResults.length + 1})\n` +
      `export default async function ${name}(ctx) {\n${hint}` +
      `  const res = await ctx.http.get('/api/${job.topic.replace(/_/g, '-')}');\n` +
      `  return res.data.outlets.map(ctx.mapOutlet);\n}\n`
    );
  }

  private log(job: CataSimJob, message: string, now: number): void {
    job.logs.push({ stage: job.stage, message, timestamp: iso(now) });
    job.updatedAt = now;
  }

  private view(job: CataSimJob) {
    return {
      id: job.id,
      provider: job.provider,
      topic: job.topic,
      status: job.status,
      stage: job.stage,
      hypothesis: job.hypothesis,
      testResults: job.testResults,
      clarification: job.clarification,
      humanResponse: job.humanResponse,
      logs: job.logs,
      retries: job.retries,
      resultScriptId: job.resultScriptId,
      createdAt: iso(job.createdAt),
      updatedAt: iso(job.updatedAt),
    };
  }
}
