/**
 * Random fault runs of any chart against the real simulator over HTTP, in simulated time.
 * A run = a provider script (n in-progress answers, then success or failure), a fault schedule (one planned fault —
 * or none — per request, in order), options, and where to cancel or restart. `expectedEnd` is the oracle: it plays
 * the schedule against the documented policy of every chart and says how the job must end, after how many requests.
 */
import fc from 'fast-check';
import { createActor, type AnyActorRef, type AnyStateMachine, type SimulatedClock } from 'xstate';
import { nextDelay } from '../../src/core/delay.js';
import type { PollOptions } from '../../src/core/options.js';
import type { FaultRule, PlannedFault } from '../../src/simulator/faults.js';
import type { BodyFault } from '../../src/simulator/http.js';
import { startSimulator, type RequestLogEntry, type Simulator } from '../../src/simulator/server.js';
import { advanceToWake, newClock, nextPause, pendingTimers } from './simulated-time.js';
import { refusesTamper, tamperArb, tamperWith, type Tamper } from './tamper.js';

export type EndStatus = 'succeeded' | 'failed' | 'rejected' | 'timedOut' | 'cancelled';

/** The requests a chart sends: create, poll, and (Cata) a person's answer or (markdown2pdf) the finished job's output. */
export type RequestKind = 'create' | 'status' | 'respond' | 'output';

/** What a person does at a pause that needs one, after `afterMs` of simulated time. */
export type PersonAct =
  /** Cata: ANSWER with a text · markdown2pdf: pay (the simulator settles it), then PAID. */
  | { act: 'answer'; afterMs: number }
  /** Cata: ANSWER with an empty text (Cata refuses it) · markdown2pdf: PAID without paying (402 again). */
  | { act: 'refusable'; afterMs: number }
  /** Cata: ANSWER without a text (the chart refuses it, nothing is sent) · markdown2pdf: as `refusable`. */
  | { act: 'notText'; afterMs: number }
  | { act: 'cancel' };

/**
 * What the provider answers a request that reaches it (its state moves on), as the chart reads it. `asksPayment`
 * and `refused` are not 2xx answers: a spoilt body leaves them as they are.
 */
export type ProviderSays =
  | 'created'
  | 'running'
  | 'succeeded'
  | 'failed'
  /** Finished: the chart fetches the output next (markdown2pdf). */
  | 'done'
  /** The output of a finished job: it succeeds. */
  | 'output'
  /** A person is needed: Cata's question (2xx). */
  | 'asks'
  /** A person is needed: markdown2pdf's 402. */
  | 'asksPayment'
  /** The person's answer was taken (Cata). */
  | 'taken'
  /** The person's answer was refused, or not awaited any more: 400 (Cata). */
  | 'refused';

/** The oracle's picture of one simulated job at the provider. */
export interface ProviderModel {
  answer(request: RequestKind): ProviderSays;
  /** The person acts at a pause: whether the chart then sends a request (and which one), or keeps waiting. */
  person?(act: Exclude<PersonAct, { act: 'cancel' }>): RequestKind | 'stays';
}

/** A provider that makes its job on the first create that reaches it, then answers `inProgress` times "running", then the end. */
export function plainProviderModel(run: Pick<FaultRun, 'inProgress' | 'end'>): ProviderModel {
  let statusAnswers = 0;
  return {
    answer(request) {
      if (request === 'create') return 'created';
      return statusAnswers++ < run.inProgress ? 'running' : run.end;
    },
  };
}

/** What a chart's fault runs need to know about it. */
export interface ChartUnderFaults {
  provider: string;
  machine: AnyStateMachine;
  /** The job's input (without options); the same input is given again on restore, as after a crash. */
  input(sim: Simulator): Record<string, unknown>;
  /** Queues the script of the next created job: `inProgress` running answers, then the end (and any questions). */
  script(sim: Simulator, run: FaultRun): void;
  /** How the provider answers the run's requests (default: {@link plainProviderModel}). */
  model?(run: FaultRun): ProviderModel;
  /** Jobs the simulated provider holds. */
  jobCount(sim: Simulator): number;
  /** What a spoilt 2xx body does to this provider's client: read as usual, or a protocol failure. */
  spoilEffect(fault: BodyFault, request: RequestKind): 'answer' | 'protocol';
  /**
   * Whether a repeated create finds the job the first one made (Perceptis: `Idempotency-Key`). When not, a create
   * whose answer is lost after the provider made the job cannot be told from one that never arrived, so runs only
   * lose create requests before the provider sees them.
   */
  idempotentCreate: boolean;
  /** Options the runs always use for this chart (on top of the random ones). */
  options?: Partial<PollOptions>;
  /** Charts that wait for a person (tag `needs-input`). */
  person?: {
    /** The option that limits the person's time (`answerTimeoutMs`, `paymentTimeoutMs`): the run's `personTimeoutMs`. */
    timeoutOption: string;
    /** Plays the person's act on the actor (and the simulator, e.g. settling a payment). */
    act(actor: AnyActorRef, sim: Simulator, act: Exclude<PersonAct, { act: 'cancel' }>): void;
  };
}

export interface FaultRun {
  inProgress: number;
  end: 'succeeded' | 'failed';
  /** The fault of the n-th request (`pass` when the schedule is shorter). */
  schedule: FaultRule[];
  options: Partial<PollOptions>;
  /** Send CANCEL at this pause (the n-th wait), if the job is still running. */
  cancelAtPause: number | null;
  /** Persist, stop, and restore into a fresh actor at these pauses. */
  restartAtPauses: number[];
  /** How the snapshot is tampered with at the first restart (none: restored as persisted). */
  tamper?: Tamper | null;
  /** What the person does at each pause that needs one, in order (then: answers at once). */
  person?: PersonAct[];
  /** The limit of the person's time (`Infinity`: none). */
  personTimeoutMs?: number;
  /** Cata: a question before the n-th in-progress answer (n ≤ `inProgress`: before the end). */
  questionsAt?: number[];
}

/** Long enough for a loaded 2-core machine to answer a normal request; every hang or trickle costs this much real time. */
export const REQUEST_TIMEOUT_MS = 250;

// ---------------------------------------------------------------------------------------------
// Arbitraries

const retryAfter = fc.oneof(
  fc.record({ seconds: fc.integer({ min: 0, max: 90 }) }),
  fc.record({ dateInMs: fc.integer({ min: 0, max: 90_000 }) }),
  fc.constant(undefined),
);

const faultArb: fc.Arbitrary<FaultRule> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<FaultRule>({ fault: { pass: true } }) },
  {
    weight: 4,
    arbitrary: fc.record({
      fault: fc.constantFrom<PlannedFault>({ wire: 'reset' }, { wire: 'notJson' }, { wire: 'truncated' }, { wire: 'html' }, { wire: 'empty' }),
      when: fc.constantFrom<'before' | 'after'>('before', 'after'),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<FaultRule>({ fault: { wire: 'hang' } }, { fault: { wire: 'trickle' } }) },
  {
    weight: 4,
    arbitrary: fc.record({
      fault: fc.constantFrom<PlannedFault>({ http: 500 }, { http: 502 }, { http: 503 }),
      when: fc.constantFrom<'before' | 'after'>('before', 'after'),
    }),
  },
  { weight: 4, arbitrary: retryAfter.map((r): FaultRule => ({ fault: r ? { http: 429, retryAfter: r } : { http: 429 } })) },
  { weight: 1, arbitrary: fc.constantFrom<FaultRule>({ fault: { http: 400 } }, { fault: { http: 401 } }, { fault: { http: 403 } }, { fault: { http: 404 } }) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom<BodyFault>('wrongContentType', 'extraFields', 'unknownStatus', 'missingFields', 'wrongContentType', 'extraFields')
      .map((spoil): FaultRule => ({ fault: { spoil } })),
  },
  { weight: 1, arbitrary: fc.constantFrom<FaultRule>({ fault: { spoil: 'hugeBody' } }, { fault: { wire: 'hugeBody' } }) },
);

/** A person answers at once, or minutes (up to a day) later; now and then wrongly, or cancels. */
const personDelay = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 600_001, max: 24 * 60 * 60_000 }));
const personActArb: fc.Arbitrary<PersonAct> = fc.oneof(
  { weight: 6, arbitrary: personDelay.map((afterMs): PersonAct => ({ act: 'answer', afterMs })) },
  { weight: 2, arbitrary: personDelay.map((afterMs): PersonAct => ({ act: 'refusable', afterMs })) },
  { weight: 1, arbitrary: personDelay.map((afterMs): PersonAct => ({ act: 'notText', afterMs })) },
  { weight: 1, arbitrary: fc.constant<PersonAct>({ act: 'cancel' }) },
);

export const faultRunArb: fc.Arbitrary<FaultRun> = fc.record({
  inProgress: fc.integer({ min: 0, max: 5 }),
  end: fc.constantFrom<'succeeded' | 'failed'>('succeeded', 'succeeded', 'failed'),
  schedule: fc.array(faultArb, { maxLength: 14 }),
  options: fc.record({
    maxRetries: fc.integer({ min: 0, max: 4 }),
    retryDelayMs: fc.integer({ min: 500, max: 3_000 }),
    timeoutMs: fc.oneof(fc.constant(Infinity), fc.integer({ min: 5_000, max: 180_000 })),
    maxRetryAfterMs: fc.constantFrom(30_000, 600_000),
  }),
  cancelAtPause: fc.option(fc.integer({ min: 0, max: 10 }), { freq: 5 }),
  restartAtPauses: fc.uniqueArray(fc.integer({ min: 0, max: 10 }), { maxLength: 3 }),
  tamper: tamperArb,
  person: fc.array(personActArb, { maxLength: 4 }),
  personTimeoutMs: fc.oneof(fc.constant(Infinity), fc.constant(Infinity), fc.integer({ min: 10_000, max: 600_000 })),
  questionsAt: fc.oneof(fc.constant<number[]>([]), fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 })),
});

// ---------------------------------------------------------------------------------------------
// The oracle

export interface ExpectedEnd {
  status: EndStatus;
  /** For `rejected`. */
  kind?: string;
  /** Requests the job sends in all. */
  requests: number;
  /** Whether some create request reached the provider (so it holds exactly one job). */
  created: boolean;
  /** How many of the requests were create requests. */
  creates: number;
}

type Effect =
  | { kind: 'answer' }
  /** `mayExist`: the request went out and no answer says the provider did not act on it (lost, unreadable 2xx). */
  | { kind: 'transient'; rejection: 'unavailable' | 'protocol'; mayExist: boolean }
  | { kind: 'rateLimited'; retryAfterMs?: number }
  | { kind: 'refused'; rejection: string };

const refusalKinds: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound' };

/** Wire faults the simulator answers with 200 and a body no client can read (a protocol failure). */
const UNREADABLE_2XX: readonly string[] = ['notJson', 'truncated', 'empty', 'hugeBody'];

/** Provider answers that are not 2xx: a spoilt body is only ever a 2xx one, so these pass unchanged. */
const notTwoHundred: readonly ProviderSays[] = ['asksPayment', 'refused'];

/** What the client makes of a planned fault (`now`: when the request is answered, for HTTP-dates; `says`: the provider's answer, if it saw the request). */
export function effectOf(chart: ChartUnderFaults, rule: FaultRule, request: RequestKind, now: number, says?: ProviderSays | null): Effect {
  const f = rule.fault;
  if ('pass' in f) return { kind: 'answer' };
  if ('spoil' in f) {
    if (says && notTwoHundred.includes(says)) return { kind: 'answer' };
    return chart.spoilEffect(f.spoil, request) === 'answer' ? { kind: 'answer' } : { kind: 'transient', rejection: 'protocol', mayExist: true };
  }
  if ('wire' in f) {
    const protocol = UNREADABLE_2XX.includes(f.wire);
    // A 502 HTML page is an answer that says the request failed; every other wire fault loses or spoils the answer.
    return { kind: 'transient', rejection: protocol ? 'protocol' : 'unavailable', mayExist: f.wire !== 'html' };
  }
  if (f.http === 429) return { kind: 'rateLimited', retryAfterMs: retryAfterMsOf(f.retryAfter, now) };
  if (f.http >= 500) return { kind: 'transient', rejection: 'unavailable', mayExist: false };
  return { kind: 'refused', rejection: refusalKinds[f.http] ?? 'invalid' };
}

function retryAfterMsOf(value: { seconds: number } | { dateInMs: number } | { raw: string } | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if ('seconds' in value) return value.seconds * 1000;
  if ('dateInMs' in value) return Math.max(0, Date.parse(new Date(now + value.dateInMs).toUTCString()) - now);
  return undefined;
}

/** Plays the run against the documented policy: how the job must end, and after how many requests. */
export function expectedEnd(chart: ChartUnderFaults, run: FaultRun, options: PollOptions, startedAt: number): ExpectedEnd {
  const provider = (chart.model ?? plainProviderModel)(run);
  let t = startedAt;
  let deadline = Number.isFinite(options.timeoutMs) ? startedAt + options.timeoutMs : Infinity;
  const personLimit = chart.person ? ((options as unknown as Record<string, number>)[chart.person.timeoutOption] ?? Infinity) : Infinity;
  let personDeadline: number | null = null;
  let phase: RequestKind = 'create';
  let created = false;
  let retries = 0;
  let rateLimits = 0;
  let polls = 0;
  let pauses = 0;
  let acts = 0;
  /** A poll or retry wait ends at the deadline at the latest, but never sooner than the provider's floor. */
  const capped = (delay: number) => Math.max(Math.min(t + delay, deadline), t + options.minDelayMs);
  let creates = 0;
  const end = (status: EndStatus, requests: number, kind?: string): ExpectedEnd => ({
    status,
    requests,
    created,
    creates,
    ...(kind ? { kind } : {}),
  });
  /** The job waits until `wakeAt` (or times out, having answered at or past the deadline). */
  const wait = (wakeAt: number, requests: number): ExpectedEnd | null => {
    if (t >= deadline) return end('timedOut', requests);
    if (run.cancelAtPause === pauses) return end('cancelled', requests);
    pauses += 1;
    t = wakeAt;
    return null;
  };
  /**
   * The job waits for a person (no deadline check: the person's time is not the provider's). Their limit runs from the
   * first time they were asked, across refused tries; the overall deadline moves back by the time they took.
   */
  const personPause = (requests: number): ExpectedEnd | RequestKind => {
    const since = t;
    if (personDeadline === null && Number.isFinite(personLimit)) personDeadline = t + personLimit;
    for (;;) {
      if (personDeadline !== null && personDeadline <= t) return end('timedOut', requests);
      if (run.cancelAtPause === pauses) return end('cancelled', requests);
      pauses += 1;
      const act = run.person?.[acts++] ?? { act: 'answer', afterMs: 0 };
      if (act.act === 'cancel') return end('cancelled', requests);
      t += act.afterMs;
      if (personDeadline !== null && personDeadline <= t) return end('timedOut', requests);
      const next = provider.person!(act);
      if (next === 'stays') continue;
      deadline += t - since;
      return next;
    }
  };
  for (let i = 0; i < 10_000; i++) {
    const requests = i + 1;
    const rule = run.schedule[i] ?? { fault: { pass: true } };
    const reachesProvider = 'pass' in rule.fault || 'spoil' in rule.fault || rule.when === 'after';
    if (phase === 'create') creates += 1;
    const says = reachesProvider ? provider.answer(phase) : null;
    if (says === 'created') created = true;
    const effect = effectOf(chart, rule, phase, t, says);
    // Cata's 400 to an answer (its own, or a planned one): the chart asks where the job stands.
    const answered = effect.kind === 'answer' || (phase === 'respond' && effect.kind === 'refused' && effect.rejection === 'invalid');
    if (answered) {
      retries = 0;
      rateLimits = 0;
      const heard: ProviderSays = effect.kind === 'answer' ? says! : 'refused';
      if (heard === 'created' || heard === 'running' || heard === 'taken') personDeadline = null;
      switch (heard) {
        case 'created':
        case 'refused':
          phase = 'status';
          break;
        case 'taken':
          phase = 'status';
          polls = 0;
          break;
        case 'done':
          phase = 'output';
          break;
        case 'output':
          return end('succeeded', requests);
        case 'succeeded':
        case 'failed':
          return end(heard, requests);
        case 'asks':
        case 'asksPayment': {
          const next = personPause(requests);
          if (typeof next !== 'string') return next;
          phase = next;
          break;
        }
        case 'running': {
          const delay = nextDelay(options, { kind: 'poll', attempt: polls, random: 0 });
          polls += 1;
          const stop = wait(capped(delay), requests);
          if (stop) return stop;
          break;
        }
      }
      continue;
    }
    switch (effect.kind) {
      case 'transient': {
        // A create that may have made a job is not sent again where a second create makes a second job.
        if (phase === 'create' && effect.mayExist && !chart.idempotentCreate) return end('rejected', requests, 'unconfirmed');
        if (retries >= options.maxRetries) return end('rejected', requests, effect.rejection);
        const delay = nextDelay(options, { kind: 'retry', attempt: retries, random: 0 });
        retries += 1;
        const stop = wait(capped(delay), requests);
        if (stop) return stop;
        break;
      }
      case 'rateLimited': {
        const asked = effect.retryAfterMs ?? 0;
        if (asked > options.maxRetryAfterMs) return end('rejected', requests, 'rateLimited');
        if (t + asked > deadline) return end('timedOut', requests);
        const delay = nextDelay(options, { kind: 'rateLimited', attempt: rateLimits, retryAfterMs: effect.retryAfterMs, random: 0 });
        rateLimits += 1;
        const stop = wait(capped(delay), requests);
        if (stop) return stop;
        break;
      }
      case 'refused':
        return end('rejected', requests, effect.rejection);
    }
  }
  throw new Error('the oracle did not reach an end');
}

// ---------------------------------------------------------------------------------------------
// Running one

/** Counts over all runs, for reports/faults.json. */
export interface FaultTally {
  runs: number;
  faultsInjected: number;
  restarts: number;
  badBodies: number;
  cancels: number;
  /** What people did at the pauses that needed one (answers, late answers, refused answers; cancels count as cancels). */
  personActs: number;
  /** Runs whose shared rate budget delayed them past their deadline (their end is then only checked to be `timedOut`). */
  budgetDelayed: number;
  /**
   * Runs played again because a request the simulator answered at once still timed out (`REQUEST_TIMEOUT_MS` of real
   * time on a loaded machine): the machine's slowness, not the chart's. Only the second play counts.
   */
  slowReruns: number;
  /** Restores of a tampered snapshot (see tamper.ts), and how many of them were refused as they must be. */
  tamperedRestores: number;
  refusedRestores: number;
  wrongEnds: number;
  leaks: number;
}

export const newTally = (): FaultTally => ({
  runs: 0,
  faultsInjected: 0,
  restarts: 0,
  badBodies: 0,
  cancels: 0,
  personActs: 0,
  budgetDelayed: 0,
  slowReruns: 0,
  tamperedRestores: 0,
  refusedRestores: 0,
  wrongEnds: 0,
  leaks: 0,
});

const BAD_BODY = /^(notJson|truncated|html|empty|hugeBody|spoil )/;

export interface RunReport {
  expected: ExpectedEnd;
  outcome: { status: string; error?: { kind?: string; message?: string } };
  requests: RequestLogEntry[];
  /** Invariants that did not hold (empty: the run is good). */
  problems: string[];
  /** Requests that timed out though no hang or trickle was played on them. */
  unplannedTimeouts: number;
}

const unhandled: unknown[] = [];
let listening = false;
function listenForUnhandledRejections() {
  if (listening) return;
  listening = true;
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
}

/** Runs one job through `run` and checks every invariant. Never throws for a bad run: see `problems`. */
export async function runWithFaults(chart: ChartUnderFaults, run: FaultRun, tally: FaultTally): Promise<RunReport> {
  const first = newTally();
  const report = await runOnce(chart, run, first);
  if (report.problems.length === 0 || report.unplannedTimeouts === 0) {
    for (const key of Object.keys(first) as (keyof FaultTally)[]) tally[key] += first[key];
    return report;
  }
  tally.slowReruns += 1;
  return runOnce(chart, run, tally);
}

const TIMED_OUT = /^no answer within /;

async function runOnce(chart: ChartUnderFaults, run: FaultRun, tally: FaultTally): Promise<RunReport> {
  listenForUnhandledRejections();
  const unhandledBefore = unhandled.length;
  const clock = newClock();
  const sim = await startSimulator({ now: () => clock.now() });
  chart.script(sim, run);
  const personOption = chart.person ? { [chart.person.timeoutOption]: run.personTimeoutMs ?? Infinity } : {};
  const options = { jitter: 0, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...chart.options, ...personOption, ...run.options };
  const input = { ...chart.input(sim), options };
  const create = (snapshot?: unknown): AnyActorRef =>
    createActor(chart.machine, { clock, input, ...(snapshot ? { snapshot: snapshot as never } : {}) });

  let actor = create();
  const resolved = actor.getSnapshot().context.options as PollOptions;
  let expected = expectedEnd(chart, run, resolved, clock.now());
  if (!chart.idempotentCreate) {
    // A create whose answer is lost or unreadable ends the job (it is not sent again), so the provider may keep its job.
    // A 5xx (or 502 page) is retried: one played after the provider made the job would make a second, which no client can tell.
    const lostBeforeProvider = (rule: FaultRule): FaultRule => {
      const f = rule.fault;
      const answeredFailure = 'http' in f || ('wire' in f && f.wire === 'html');
      if (!answeredFailure) return rule;
      return rule.when === 'after' ? { ...rule, when: 'before' } : rule;
    };
    const schedule = run.schedule.map((rule, i) => (i < expected.creates ? lostBeforeProvider(rule) : rule));
    run = { ...run, schedule };
    expected = expectedEnd(chart, run, resolved, clock.now());
  }
  sim.faults.add(...run.schedule.map((rule) => ({ ...rule, provider: chart.provider })));
  const start = (snapshot?: unknown): AnyActorRef => {
    const started = create(snapshot);
    started.start();
    return started;
  };
  actor.start();
  const problems: string[] = [];
  let maxRetriesSeen = 0;
  let budgetWaits = 0;
  const timeoutsAt = new Set<number>();
  const watch = (a: AnyActorRef) =>
    a.subscribe((s: { value: unknown; context: { retries: number; waitReason: string | null } }) => {
      maxRetriesSeen = Math.max(maxRetriesSeen, s.context.retries);
      const answer = (s.context as { lastAnswer?: { at: number; message?: string } | null }).lastAnswer;
      if (answer && TIMED_OUT.test(answer.message ?? '')) timeoutsAt.add(answer.at);
      if (s.context.waitReason === 'budget' || JSON.stringify(s.value).includes('waitingForBudget')) budgetWaits += 1;
    });
  watch(actor);

  let pauses = 0;
  let acts = 0;
  let cancelled = false;
  const tamperedBefore = tally.tamperedRestores;
  let refusing = false;
  const cancel = () => {
    actor.send({ type: 'CANCEL' });
    cancelled = true;
    tally.cancels += 1;
  };
  for (let i = 0; i < 500; i++) {
    await nextPause(actor);
    // Read after the pause settled: a person's time limit already past ends the job as soon as it is asked.
    let snapshot = actor.getSnapshot();
    if (snapshot.status !== 'active') break;
    // The key's shared rate budget (learnt from 429s) may add waits of its own: not the chart's pauses.
    if (snapshot.context.waitReason === 'budget') {
      advanceToWake(snapshot, clock);
      continue;
    }
    if (run.cancelAtPause === pauses) {
      cancel();
      break;
    }
    if (run.restartAtPauses.includes(pauses)) {
      let persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
      if (run.tamper && tally.tamperedRestores === tamperedBefore) {
        persisted = tamperWith(run.tamper, persisted, `${sim.url}/elsewhere`);
        tally.tamperedRestores += 1;
        // Refused: the job ends rejected / invalid where it stands, and sends nothing more.
        if (refusesTamper(run.tamper)) {
          const sent = sim.requests(chart.provider);
          expected = { ...expected, status: 'rejected', kind: 'invalid', requests: sent.length, created: chart.jobCount(sim) > 0 };
          refusing = true;
        }
      }
      actor.stop();
      actor = start(persisted);
      if (refusing && actor.getSnapshot().status === 'done') tally.refusedRestores += 1;
      watch(actor);
      tally.restarts += 1;
      snapshot = actor.getSnapshot();
      await new Promise((r) => setImmediate(r));
      if (snapshot.status !== 'active') break;
    }
    pauses += 1;
    if (snapshot.hasTag('needs-input')) {
      const act = run.person?.[acts++] ?? { act: 'answer', afterMs: 0 };
      if (act.act === 'cancel') {
        cancel();
        break;
      }
      clock.set(clock.now() + act.afterMs);
      await new Promise((r) => setImmediate(r));
      if (actor.getSnapshot().status !== 'active') break;
      chart.person!.act(actor, sim, act);
      tally.personActs += 1;
      continue;
    }
    advanceToWake(snapshot, clock);
  }
  const final = actor.getSnapshot();
  const outcome = (final.output ?? { status: final.status }) as RunReport['outcome'];
  const endedAt = sim.log.length;

  // After the end: no request, no timer, no request left open, however long we wait.
  clock.increment(24 * 60 * 60_000);
  for (let i = 0; i < 20 && sim.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 5));
  const requests = sim.requests(chart.provider);
  if (sim.log.some((e) => e.path.startsWith('/elsewhere'))) problems.push('a request went where a tampered snapshot said');

  // Budget waits only delay requests: with a deadline, a job may then time out before the end the oracle expects.
  const delayedPastDeadline = budgetWaits > 0 && Number.isFinite(resolved.timeoutMs) && outcome.status === 'timedOut';
  if (delayedPastDeadline) tally.budgetDelayed += 1;
  if (delayedPastDeadline) {
    // Checked as far as it can be: timed out, having sent no more than the oracle's requests.
  } else if (outcome.status !== expected.status) problems.push(`ended ${outcome.status}, expected ${expected.status}`);
  else if (expected.kind && outcome.error?.kind !== expected.kind) problems.push(`rejected ${outcome.error?.kind}, expected ${expected.kind}`);
  if (requests.length !== expected.requests && !(delayedPastDeadline && requests.length <= expected.requests)) problems.push(`${requests.length} requests, expected ${expected.requests}`);
  if (cancelled && final.status !== 'done') problems.push('CANCEL did not end the job');
  const leaks: string[] = [];
  if (sim.log.length !== endedAt) leaks.push(`${sim.log.length - endedAt} requests after the end`);
  if (pendingTimers(clock) !== 0) leaks.push(`${pendingTimers(clock)} timers left`);
  if (sim.inFlight !== 0) leaks.push(`${sim.inFlight} requests left open`);
  if (unhandled.length !== unhandledBefore) leaks.push(`unhandled rejection: ${String(unhandled[unhandled.length - 1])}`);
  problems.push(...leaks);
  problems.push(...retryAfterViolations(requests));
  if (maxRetriesSeen > resolved.maxRetries) problems.push(`${maxRetriesSeen} consecutive retries, maxRetries ${resolved.maxRetries}`);
  const jobs = chart.jobCount(sim);
  if (jobs !== (expected.created ? 1 : 0) && !(delayedPastDeadline && jobs <= 1)) problems.push(`${jobs} jobs at the provider, expected ${expected.created ? 1 : 0}`);

  tally.runs += 1;
  tally.faultsInjected += sim.faults.played;
  tally.badBodies += requests.filter((e) => BAD_BODY.test(e.fault ?? '')).length;
  if (problems.length > leaks.length) tally.wrongEnds += 1;
  if (leaks.length) tally.leaks += 1;
  actor.stop();
  await sim.close();
  const planned = requests.filter((e) => e.answer === 'hang' || e.answer === 'trickle').length;
  return { expected, outcome, requests, problems, unplannedTimeouts: Math.max(0, timeoutsAt.size - planned) };
}

/** Every request sent before the `Retry-After` of the 429 before it had passed. */
export function retryAfterViolations(log: RequestLogEntry[]): string[] {
  const problems: string[] = [];
  log.forEach((entry, i) => {
    const next = log[i + 1];
    if (!next || entry.answer !== 429 || entry.retryAfter === undefined) return;
    const value = entry.retryAfter.trim();
    const notBefore = /^\d+$/.test(value) ? entry.at + Number(value) * 1000 : Date.parse(value);
    if (Number.isFinite(notBefore) && next.at < notBefore) problems.push(`request at ${next.at} before Retry-After ${value} (429 at ${entry.at})`);
  });
  return problems;
}

/** A one-line description of a run for a failure message. */
export function describeRun(run: FaultRun, report: RunReport): string {
  return JSON.stringify({
    run,
    expected: report.expected,
    outcome: report.outcome,
    log: report.requests.map((e) => `${e.at % 1_000_000} ${e.method} ${e.fault ?? e.answer}`),
    problems: report.problems,
  });
}

export { newClock, type SimulatedClock };
