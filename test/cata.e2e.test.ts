import { describe, expect, it } from 'vitest';
import { createActor, waitFor, type SnapshotFrom } from 'xstate';
import { cataJob, type CataJobInput } from '../src/providers/cata/chart.js';
import { settle } from '../src/core/outcome.js';
import { CATA_TEST_KEY, cataClarifyOnceScript, cataClarifyTwiceScript } from '../src/providers/cata/simulator.js';
import { sampleRequest, startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { advanceToWake, newClock, nextPause, pendingTimers, untilSettled } from './support/simulated-time.js';

const request = sampleRequest('cata');
type Clock = ReturnType<typeof newClock>;
type CataActor = ReturnType<typeof startJob<'cata'>>;

/** Drives the job in simulated time until it asks a question (or ends). */
async function untilAsked(actor: CataActor, clock: Clock): Promise<SnapshotFrom<typeof cataJob>> {
  for (let i = 0; i < 500; i++) {
    const snapshot = (await nextPause(actor)) as SnapshotFrom<typeof cataJob>;
    if (snapshot.status !== 'active' || snapshot.hasTag('needs-input')) return snapshot;
    advanceToWake(snapshot, clock);
  }
  throw new Error('never asked');
}

const providerState = (value: unknown) => {
  const polling = (value as { polling?: { provider: unknown } }).polling;
  return polling ? JSON.stringify(polling.provider) : null;
};

const settleDrain = () => new Promise((r) => setTimeout(r, 20));

describe('Cata over HTTP, in simulated time', () => {
  it('goes through every status and stage, shows the pipeline, and ends succeeded with the script id', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({
      steps: [
        { status: 'pending' },
        { status: 'running', stage: 'queued' },
        { status: 'running', stage: 'gathering' },
        { status: 'running', stage: 'generating' },
        { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets' } },
        { status: 'running', stage: 'retrying' },
        { status: 'running', stage: 'generating' },
        { status: 'running', stage: 'testing', test: { passed: true, outputCount: 3 } },
        { status: 'running', stage: 'done' },
        { status: 'completed', resultScriptId: 77 },
      ],
    });
    const actor = startJob('cata', sim.url, clock);
    const seen: string[] = [];
    const progress: (number | null)[] = [];
    actor.subscribe((s) => {
      const p = providerState(s.value);
      if (p && seen.at(-1) !== p) seen.push(p);
      if (progress.at(-1) !== s.context.progress) progress.push(s.context.progress);
    });
    await untilSettled(actor, clock);

    const outcome = await settle(actor);
    expect(outcome).toEqual({ status: 'succeeded', jobId: 5719, result: { resultScriptId: 77 } });
    expect(seen).toEqual([
      '"unknown"',
      '"pending"',
      ...['queued', 'gathering', 'generating', 'testing', 'retrying', 'generating', 'testing', 'done'].map((stage) =>
        JSON.stringify({ running: stage }),
      ),
    ]);
    expect(progress).toEqual([null, 0, 0.05, 0.15, 0.35, 0.6, 0.7, 0.35, 0.6, 0.95, 1]);
    const { context } = actor.getSnapshot();
    expect(context.hypothesis).toContain('grabfood adapter: list_remote_outlets');
    expect(context.testResults.map((t) => [t.attempt, t.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(context.pipelineRetries).toBe(1);
    expect(context.logs.at(-1)?.message).toBe('Saved candidate script #77');
    expect(sim.requests('cata').map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200', ...Array(10).fill('GET 200')]);
  });

  it('the default pipeline, polled at its own pace, still shows every test run Cata made', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = startJob('cata', sim.url, clock, { options: {} });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({ status: 'succeeded', jobId: 5719, result: { resultScriptId: 95_719 } });
    const { context } = actor.getSnapshot();
    expect(context.testResults.map((t) => t.passed)).toEqual([false, true]);
    expect(context.pipelineRetries).toBe(1);
    const polls = sim.requests('cata').filter((r) => r.method === 'GET');
    expect(polls.length).toBeLessThan(12);
  });

  it('one clarification round: stops polling, shows the question, POSTs the answer, resumes and succeeds', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push(cataClarifyOnceScript);
    const actor = startJob('cata', sim.url, clock);
    const asked = await untilAsked(actor, clock);

    expect(asked.value).toEqual({ needsClarification: 'awaitingAnswer' });
    expect(asked.context.clarification).toMatch(/Which field of the response lists the outlets\?/);
    expect(asked.context.testResults.filter((t) => !t.passed)).toHaveLength(3);
    expect(asked.context.pipelineRetries).toBe(2);
    expect(asked.context.wakeAt).toBeNull();
    const before = sim.log.length;
    clock.increment(60 * 60_000);
    await settleDrain();
    expect(sim.log).toHaveLength(before);
    expect(pendingTimers(clock)).toBe(0);

    actor.send({ type: 'ANSWER', text: 'The outlets are under data.stores' });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome.status).toBe('succeeded');
    const jobId = actor.getSnapshot().context.jobId!;
    expect(sim.cata.answers(jobId)).toEqual(['The outlets are under data.stores']);
    expect(sim.requests('cata').filter((r) => r.path.endsWith('/respond')).map((r) => `${r.method} ${r.answer}`)).toEqual(['POST 200']);
    expect(actor.getSnapshot().context.humanResponse).toBe('The outlets are under data.stores');
    expect(actor.getSnapshot().context.hypothesis).toContain('per the answer: The outlets are under data.stores');
  });

  it('two clarification rounds in one job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push(cataClarifyTwiceScript);
    const actor = startJob('cata', sim.url, clock);
    const questions: string[] = [];

    let asked = await untilAsked(actor, clock);
    questions.push(asked.context.clarification!);
    actor.send({ type: 'ANSWER', text: 'Use data.stores' });
    asked = await untilAsked(actor, clock);
    expect(asked.status).toBe('active');
    expect(asked.context.humanResponse).toBe('Use data.stores');
    questions.push(asked.context.clarification!);
    actor.send({ type: 'ANSWER', text: 'Send them as strings' });
    await untilSettled(actor, clock);

    expect((await settle(actor)).status).toBe('succeeded');
    expect(questions[0]).toMatch(/outlets/);
    expect(questions[1]).toMatch(/Store ids are numbers/);
    const jobId = actor.getSnapshot().context.jobId!;
    expect(sim.cata.answers(jobId)).toEqual(['Use data.stores', 'Send them as strings']);
    expect(actor.getSnapshot().context.humanResponse).toBe('Send them as strings');
    expect(sim.requests('cata').filter((r) => r.method === 'POST').map((r) => r.answer)).toEqual([200, 200, 200]);
  });

  it('a refused answer (400) keeps waiting and says why in Cata’s words; a good one then goes through', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'running', stage: 'testing' }, { status: 'needs_clarification', question: 'Which field?' }, { status: 'completed' }] });
    const actor = startJob('cata', sim.url, clock);
    await untilAsked(actor, clock);

    actor.send({ type: 'ANSWER', text: '   ' });
    const refused = await waitFor(actor, (s) => s.context.answerProblem !== null && s.hasTag('needs-input'));
    expect(refused.context.answerProblem).toBe('Validation failed: response is required and must not be empty');
    expect(refused.context.clarification).toBe('Which field?');
    expect(refused.value).toEqual({ needsClarification: 'awaitingAnswer' });

    actor.send({ type: 'ANSWER', text: 'data.stores' });
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.cata.answers(actor.getSnapshot().context.jobId!)).toEqual(['   ', 'data.stores']);
    expect(sim.cata.answersReceived.map((a) => a.answer)).toEqual([400, 200]);
    expect(actor.getSnapshot().context.answerProblem).toBeNull();
  });

  it('an ANSWER without text is refused on the spot, nothing is sent', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }] });
    const actor = startJob('cata', sim.url, clock);
    await untilAsked(actor, clock);
    actor.send({ type: 'ANSWER' } as never);
    expect(actor.getSnapshot().context.answerProblem).toMatch(/ANSWER needs `text`/);
    expect(actor.getSnapshot().hasTag('needs-input')).toBe(true);
    expect(sim.cata.answersReceived).toHaveLength(0);
    actor.send({ type: 'CANCEL' });
  });

  it('nobody answers within answerTimeoutMs: timedOut, at that moment and not before', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }] });
    const actor = startJob('cata', sim.url, clock, { options: { answerTimeoutMs: 30 * 60_000 } });
    const asked = await untilAsked(actor, clock);
    const deadline = asked.context.personDeadlineAt!;
    expect(deadline).toBe(clock.now() + 30 * 60_000);

    clock.set(deadline - 1);
    await settleDrain();
    expect(actor.getSnapshot().hasTag('needs-input')).toBe(true);
    clock.set(deadline);
    expect(await settle(actor)).toEqual({ status: 'timedOut', jobId: 5719 });
    expect(sim.cata.answersReceived).toHaveLength(0);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('time spent waiting for a person does not count against the overall deadline', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push(cataClarifyOnceScript);
    const actor = startJob('cata', sim.url, clock, { options: { timeoutMs: 60_000 } });
    const asked = await untilAsked(actor, clock);
    const deadlineBefore = asked.context.deadlineAt!;
    clock.increment(3 * 60 * 60_000); // the person answers three hours later
    actor.send({ type: 'ANSWER', text: 'data.stores' });
    expect(actor.getSnapshot().context.deadlineAt).toBe(deadlineBefore + 3 * 60 * 60_000);
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
  });

  it('CANCEL while waiting for the answer: cancelled, nothing sent, no timer left', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }] });
    const actor = startJob('cata', sim.url, clock, { options: { answerTimeoutMs: 60_000 } });
    await untilAsked(actor, clock);
    const before = sim.log.length;
    actor.send({ type: 'CANCEL' });
    expect(await settle(actor)).toEqual({ status: 'cancelled', jobId: 5719 });
    clock.increment(60 * 60_000);
    await settleDrain();
    expect(sim.log).toHaveLength(before);
    expect(pendingTimers(clock)).toBe(0);
  });

  it('a transient failure of /respond is retried within the budget', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', respond: [{ http: 503 }, { fault: 'reset' }] }, { status: 'completed' }] });
    const actor = startJob('cata', sim.url, clock);
    await untilAsked(actor, clock);
    actor.send({ type: 'ANSWER', text: 'data.stores' });
    const states: string[] = [];
    actor.subscribe((s) => states.push(JSON.stringify(s.value)));
    await untilSettled(actor, clock);
    expect((await settle(actor)).status).toBe('succeeded');
    expect(sim.cata.answersReceived.map((a) => a.answer)).toEqual([503, 'reset', 200]);
    expect(states).toContain(JSON.stringify({ needsClarification: 'retrying' }));
  });

  it('a 404 from /respond ends rejected notFound', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const gone = { error: { code: 404, message: 'Job not found', details: 'No adapter script generation job with id 5719', field: 'jobId' } };
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification', respond: [{ http: 404, body: gone }] }] });
    const actor = startJob('cata', sim.url, clock);
    await untilAsked(actor, clock);
    actor.send({ type: 'ANSWER', text: 'data.stores' });
    expect(await settle(actor)).toEqual({
      status: 'rejected',
      jobId: 5719,
      error: { kind: 'notFound', httpStatus: 404, code: '404', message: 'Job not found: No adapter script generation job with id 5719' },
    });
  });

  it('ends failed with the pipeline’s last log line and the last test error', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({
      steps: [
        { status: 'running', stage: 'testing', test: { passed: false, error: 'SyntaxError: Unexpected token }' } },
        { status: 'failed', reason: 'Script generation aborted: the sample data could not be fetched' },
      ],
    });
    const actor = startJob('cata', sim.url, clock);
    await untilSettled(actor, clock);
    expect(await settle(actor)).toEqual({
      status: 'failed',
      jobId: 5719,
      error: { message: 'Script generation aborted: the sample data could not be fetched (last test: SyntaxError: Unexpected token })' },
    });
  });

  it('attaching to an unknown job ends rejected notFound with Cata’s error body', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = startJob('cata', sim.url, clock, { request: undefined, jobId: 424242 });
    expect(await settle(actor)).toEqual({
      status: 'rejected',
      jobId: 424242,
      error: { kind: 'notFound', httpStatus: 404, code: '404', message: 'Job not found: No adapter script generation job with id 424242' },
    });
  });

  it('attaching to a job that already waits for an answer shows the question at once', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const jobId = sim.cata.addJob({ steps: [{ status: 'needs_clarification', question: 'Which outlets?' }, { status: 'completed' }] }, { now: clock.now() });
    const actor = startJob('cata', sim.url, clock, { request: undefined, jobId });
    const asked = await untilAsked(actor, clock);
    expect(asked.context.clarification).toBe('Which outlets?');
    actor.send({ type: 'ANSWER', text: 'All of them' });
    await untilSettled(actor, clock);
    expect(await settle(actor)).toMatchObject({ status: 'succeeded', jobId, result: { resultScriptId: 90_000 + jobId } });
  });

  it('a bad key ends rejected unauthorized with Cata’s words, after one request', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    const actor = startJob('cata', sim.url, clock, { apiKey: 'not-a-cata-key' });
    expect(await settle(actor)).toEqual({
      status: 'rejected',
      error: { kind: 'unauthorized', httpStatus: 401, code: '401', message: 'Unauthorized: Missing or invalid API key' },
    });
    expect(sim.log).toHaveLength(1);
  });

  it('an unknown stage is retried within the budget, then ends rejected protocol', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'running', stage: 'linting' }] });
    const actor = startJob('cata', sim.url, clock, { options: { maxRetries: 1 } });
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(/stage value: "linting"/);
  });
});

describe('Cata bad input', () => {
  it.each([
    ['an unknown topic', { request: { provider: 'grabfood', topic: 'sync_everything' } }, /request.topic/],
    ['an empty provider', { request: { provider: ' ', topic: 'sync_outlet' } }, /request.provider/],
    ['a jobId that is not an integer', { request: undefined, jobId: '5719' }, /jobId is not a cata job id/],
    ['a bad answerTimeoutMs', { options: { answerTimeoutMs: -5 } }, /options.answerTimeoutMs/],
    ['an unknown option', { options: { answerTimeout: 5 } }, /options/],
  ])('%s ends rejected invalid at once, without a request', async (_, input, message) => {
    const sim = await simulator();
    const actor = createActor(cataJob, {
      input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY, request, ...input } as CataJobInput,
    }).start();
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    if (outcome.status === 'rejected') expect(outcome.error.message).toMatch(message);
    expect(sim.log).toHaveLength(0);
  });
});

it('Perceptis options are unchanged: answerTimeoutMs is not one of them', async () => {
  const { perceptisJob } = await import('../src/providers/perceptis/chart.js');
  const sim = await simulator();
  const actor = createActor(perceptisJob, {
    input: { baseUrl: sim.url, apiKey: 'k', request: { prompt: 'x', output_type: 'deck' }, options: { answerTimeoutMs: 5 } as never },
  }).start();
  expect(await settle(actor)).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
});

describe('Cata: a create is not sent twice', () => {
  it('a create Cata took (200) but whose answer cannot be read ends rejected / unconfirmed at once: one POST, one job', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.faults.add({ provider: 'cata', method: 'POST', path: /\/generate$/, fault: { wire: 'notJson' }, when: 'after' });
    const actor = startJob('cata', sim.url, clock);
    await untilSettled(actor, clock);
    const outcome = await settle(actor);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'unconfirmed', httpStatus: 200 }, unconfirmedCreate: { reason: 'unreadable' } });
    expect(outcome.status === 'rejected' && outcome.error.message).toMatch(/^the create may have reached the provider \(the provider answered HTTP 200 but its answer could not be read\); it was not sent again/);
    expect(sim.requests('cata').filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.cata.jobCount).toBe(1);
  });
});

describe('Cata persistence', () => {
  it('restored while waiting for the answer: the question is still there, nothing is sent again', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push(cataClarifyOnceScript);
    const first = startJob('cata', sim.url, clock, { options: { answerTimeoutMs: 24 * 60 * 60_000 } });
    const asked = await untilAsked(first, clock);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
    first.stop();
    expect(JSON.stringify(persisted)).not.toContain(CATA_TEST_KEY);
    const requestsBefore = sim.log.length;

    clock.increment(5 * 60_000);
    const restored = createActor(cataJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();
    const snapshot = restored.getSnapshot();
    expect(snapshot.value).toEqual({ needsClarification: 'awaitingAnswer' });
    expect(snapshot.hasTag('needs-input')).toBe(true);
    expect(snapshot.context.clarification).toBe(asked.context.clarification);
    expect(snapshot.context.personDeadlineAt).toBe(asked.context.personDeadlineAt);
    await settleDrain();
    expect(sim.log).toHaveLength(requestsBefore);

    restored.send({ type: 'ANSWER', text: 'data.stores' });
    await untilSettled(restored, clock);
    expect(await settle(restored)).toMatchObject({ status: 'succeeded', jobId: asked.context.jobId });
    const posts = sim.requests('cata').filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path.replace(/jobs\/\d+/, 'jobs/N'))).toEqual([
      '/api/v1/adapter-scripts/generate',
      '/api/v1/adapter-scripts/jobs/N/respond',
    ]);
    expect(sim.cata.jobCount).toBe(1);
  });

  it('restored while waiting: the answer time-out still ends the job when it was due', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }] });
    const first = startJob('cata', sim.url, clock, { options: { answerTimeoutMs: 10 * 60_000 } });
    const asked = await untilAsked(first, clock);
    const persisted = first.getPersistedSnapshot();
    first.stop();
    clock.increment(4 * 60_000);
    const restored = createActor(cataJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();
    await nextPause(restored);
    clock.set(asked.context.personDeadlineAt! - 1);
    await settleDrain();
    expect(restored.getSnapshot().status).toBe('active');
    clock.set(asked.context.personDeadlineAt!);
    expect((await settle(restored)).status).toBe('timedOut');
  });

  it('restored while the answer was in flight: reads the status first, finds the job running, and does not send it again', async () => {
    const clock = newClock();
    const sim = await simulator(clock);
    sim.cata.scripts.push({ steps: [{ status: 'needs_clarification' }, { status: 'running', stage: 'generating' }, { status: 'completed' }] });
    const first = startJob('cata', sim.url, clock);
    await untilAsked(first, clock);
    first.send({ type: 'ANSWER', text: 'data.stores' });
    expect(first.getSnapshot().matches({ needsClarification: 'sendingAnswer' })).toBe(true);
    const persisted = first.getPersistedSnapshot();
    await waitFor(first, (s) => s.matches('polling'));
    first.stop();

    const restored = createActor(cataJob, { clock, snapshot: persisted, input: { baseUrl: sim.url, apiKey: CATA_TEST_KEY } }).start();
    await untilSettled(restored, clock);
    expect((await settle(restored)).status).toBe('succeeded');
    expect(sim.cata.answersReceived.map((a) => a.answer)).toEqual([200]);
    expect(restored.getSnapshot().context).toMatchObject({ answerProblem: null, answer: null, humanResponse: 'data.stores' });
  });
});
