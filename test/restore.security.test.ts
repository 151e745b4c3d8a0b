/**
 * Issue 13, items 1 and 12: a stored snapshot never decides where requests go, nor which provider it is, and a
 * provider's answer never sends the job to another origin. Real HTTP to the simulator and to a hostile server of the
 * test's own on 127.0.0.1; every tampered snapshot is refused (rejected / invalid) with zero requests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, type AnyActorRef, type AnyStateMachine, type SimulatedClock } from 'xstate';
import { cataJob } from '../src/providers/cata/chart.js';
import { markdown2pdfJob } from '../src/providers/markdown2pdf/chart.js';
import { settle } from '../src/core/outcome.js';
import type { Simulator } from '../src/simulator/server.js';
import { blandUnderFaults, cataUnderFaults, chartsUnderFaults, depictaUnderFaults, markdown2pdfUnderFaults, perceptisUnderFaults } from './faults/charts.js';
import { providerNamed } from '../src/providers/registry.js';
import type { ChartUnderFaults } from './support/fault-runs.js';
import { simulator } from './support/sim.js';
import { newClock, nextPause, untilSettled } from './support/simulated-time.js';

interface Heard {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A server that answers 200 to everything and remembers what it heard (headers included: a key would show). */
async function hostileServer(answer: (req: Heard) => unknown = () => ({})): Promise<{ url: string; heard: Heard[] }> {
  const heard: Heard[] = [];
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    heard.push(entry);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer(entry)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heard };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Jobs and their simulator share one simulated clock (the simulator's rate limits read it). */
const clocks = new WeakMap<Simulator, SimulatedClock>();
async function simOnClock(): Promise<Simulator> {
  const clock = newClock();
  const sim = await simulator(clock);
  clocks.set(sim, clock);
  return sim;
}

type Persisted = { value: unknown; status: string; context: Record<string, unknown>; children: Record<string, unknown> };

/** A job of `chart` run against the simulator up to its first wait, persisted there (JSON, as a store keeps it). */
async function persistedWaiting(chart: ChartUnderFaults, sim: Simulator): Promise<Persisted> {
  chart.script(sim, { inProgress: 3, end: 'succeeded', schedule: [], options: {}, cancelAtPause: null, restartAtPauses: [] });
  const clock = clocks.get(sim)!;
  const actor = createActor(chart.machine, { clock, input: { ...chart.input(sim), options: { jitter: 0 } } }).start();
  let snapshot = await nextPause(actor);
  if (snapshot.hasTag('needs-input')) {
    chart.person!.act(actor, sim, { act: 'answer', afterMs: 0 });
    snapshot = await nextPause(actor);
  }
  expect(snapshot.value).toMatchObject({ polling: { poller: 'waiting' } });
  const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as Persisted;
  actor.stop();
  return persisted;
}

/** Restores `snapshot` with the restore input a worker gives, runs it, and returns its outcome and the requests it sent. */
async function restoreAndSettle(machine: AnyStateMachine, snapshot: unknown, input: unknown, sim: Simulator) {
  const before = sim.log.length;
  const clock = clocks.get(sim)!;
  const actor: AnyActorRef = createActor(machine, { clock, snapshot: snapshot as never, input: input as never }).start();
  await untilSettled(actor, clock);
  const outcome = (await settle(actor)) as { status: string; jobId?: unknown; error?: { kind: string; message: string } };
  return { outcome, simRequests: sim.log.length - before };
}

/** Every provider that has a key. */
const keyed = chartsUnderFaults.filter((chart) => providerNamed(chart.provider)?.keyEnv);

describe('a restored snapshot', () => {
  it.each(keyed.map((c) => [c.provider, c] as const))(
    '%s: one whose stored baseUrl points elsewhere is refused, and the key goes nowhere',
    async (_, chart) => {
      const sim = await simOnClock();
      const hostile = await hostileServer();
      const persisted = await persistedWaiting(chart, sim);
      const tampered = { ...persisted, context: { ...persisted.context, baseUrl: hostile.url } };
      const { outcome, simRequests } = await restoreAndSettle(chart.machine, tampered, chart.input(sim), sim);
      expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
      expect(outcome.error!.message).toContain(hostile.url);
      expect(hostile.heard).toEqual([]);
      expect(simRequests).toBe(0);
    },
  );

  it('requests go to the restore input’s baseUrl, whatever the stored actors say', async () => {
    const sim = await simOnClock();
    const hostile = await hostileServer();
    const persisted = await persistedWaiting(perceptisUnderFaults, sim);
    // A child the state does not invoke (a create), and one whose stored input names another host.
    const ctx = { ...persisted.context, baseUrl: hostile.url, request: { prompt: 'x', output_type: 'deck' } };
    const tampered = {
      ...persisted,
      children: {
        ...persisted.children,
        evil: { src: 'create', syncSnapshot: false, snapshot: { status: 'active', input: { context: ctx } } },
      },
    };
    const { outcome } = await restoreAndSettle(perceptisUnderFaults.machine, tampered, perceptisUnderFaults.input(sim), sim);
    expect(hostile.heard).toEqual([]);
    expect(outcome.status).toBe('succeeded');
    expect(sim.requests('perceptis').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a Perceptis snapshot restored into cataJob is refused, and the Cata key is sent nowhere', async () => {
    const sim = await simOnClock();
    const hostile = await hostileServer();
    const persisted = await persistedWaiting(perceptisUnderFaults, sim);
    const tampered = { ...persisted, context: { ...persisted.context, baseUrl: hostile.url } };
    const { outcome, simRequests } = await restoreAndSettle(cataJob, tampered, { ...cataUnderFaults.input(sim), baseUrl: hostile.url }, sim);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(outcome.error!.message).toMatch(/perceptis/);
    expect(hostile.heard).toEqual([]);
    expect(simRequests).toBe(0);
  });

  it.each([
    ['a string wakeAt', (c: Record<string, unknown>) => ({ ...c, wakeAt: 'soon' })],
    ['a wakeAt of 1e300', (c: Record<string, unknown>) => ({ ...c, wakeAt: 1e300 })],
    ['a wakeAt past the deadline', (c: Record<string, unknown>) => ({ ...c, wakeAt: (c.deadlineAt as number) + 86_400_000 })],
    ['no wakeAt in a wait', (c: Record<string, unknown>) => ({ ...c, wakeAt: null })],
    ['a missing jobId', ({ jobId: _, ...c }: Record<string, unknown>) => c],
    ['a null jobId while polling', (c: Record<string, unknown>) => ({ ...c, jobId: null })],
    ['a string deadlineAt', (c: Record<string, unknown>) => ({ ...c, deadlineAt: 'later' })],
    ['another provider', (c: Record<string, unknown>) => ({ ...c, provider: 'cata' })],
    ['options that hammer the provider', (c: Record<string, unknown>) => ({ ...c, options: { ...(c.options as object), pollIntervalMs: -1 } })],
    ['a field nobody knows', (c: Record<string, unknown>) => ({ ...c, xstate$$type: 1 })],
  ])('with %s is refused (rejected / invalid), settles, and sends nothing', async (_, tamper) => {
    const sim = await simOnClock();
    const persisted = await persistedWaiting(perceptisUnderFaults, sim);
    const tampered = { ...persisted, context: tamper(persisted.context) };
    const { outcome, simRequests } = await restoreAndSettle(perceptisUnderFaults.machine, tampered, perceptisUnderFaults.input(sim), sim);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(simRequests).toBe(0);
  });

  it.each([
    ['a state the chart does not have', (p: Persisted) => ({ ...p, value: { polling: { poller: 'nowhere' } } })],
    ['a state a job never rests in', (p: Persisted) => ({ ...p, value: 'starting' })],
    ['an end with no outcome', (p: Persisted) => ({ ...p, value: 'succeeded', status: 'done' })],
    ['not an object', () => 'snapshot'],
  ])('in %s is refused (rejected / invalid) and sends nothing', async (_, tamper) => {
    const sim = await simOnClock();
    const persisted = await persistedWaiting(depictaUnderFaults, sim);
    const { outcome, simRequests } = await restoreAndSettle(depictaUnderFaults.machine, tamper(persisted), depictaUnderFaults.input(sim), sim);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(simRequests).toBe(0);
  });

  it('without the key in the restore input is refused, and sends nothing', async () => {
    const sim = await simOnClock();
    const persisted = await persistedWaiting(blandUnderFaults, sim);
    const { apiKey: _, ...noKey } = blandUnderFaults.input(sim);
    const { outcome, simRequests } = await restoreAndSettle(blandUnderFaults.machine, persisted, noKey, sim);
    expect(outcome).toMatchObject({ status: 'rejected', jobId: persisted.context.jobId, error: { kind: 'invalid' } });
    expect(outcome.error!.message).toMatch(/apiKey is missing/);
    expect(simRequests).toBe(0);
  });

  it('untampered, with the same restore input, goes on to its end', async () => {
    const sim = await simOnClock();
    const persisted = await persistedWaiting(cataUnderFaults, sim);
    const { outcome } = await restoreAndSettle(cataJob, persisted, cataUnderFaults.input(sim), sim);
    expect(outcome).toMatchObject({ status: 'succeeded', jobId: persisted.context.jobId });
  });

  it('markdown2pdf: a stored status URL on another origin is refused, and nothing is sent there', async () => {
    const sim = await simOnClock();
    const hostile = await hostileServer();
    const persisted = await persistedWaiting(markdown2pdfUnderFaults, sim);
    const tampered = { ...persisted, context: { ...persisted.context, statusUrl: `${hostile.url}/job/x/status` } };
    const { outcome } = await restoreAndSettle(markdown2pdfJob, tampered, markdown2pdfUnderFaults.input(sim), sim);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'invalid' } });
    expect(hostile.heard).toEqual([]);
  });
});

describe('markdown2pdf follows paths on the job’s own origin only', () => {
  const input = (baseUrl: string) => ({ ...markdown2pdfUnderFaults.input({ url: baseUrl } as Simulator), baseUrl, options: { maxRetries: 0 } });

  it('a create answer whose status path is on another host: that host is never asked', async () => {
    const elsewhere = await hostileServer(() => ({ id: 'job-1', status: 'Done', path: '/job/job-1/output' }));
    const provider = await hostileServer((req) =>
      req.method === 'POST' ? { id: 'job-1', status: 'Not Started', path: `${elsewhere.url}/job/job-1/status` } : {},
    );
    const job = createActor(markdown2pdfJob, { input: input(provider.url) }).start();
    const outcome = await settle(job);
    expect(elsewhere.heard).toEqual([]);
    expect(outcome).toMatchObject({ status: 'rejected', error: { kind: 'protocol' } });
    expect(outcome.status === 'rejected' && outcome.error.message).toContain(`is not on the job's origin ${provider.url}`);
  });

  it('a Done answer whose output path is on another host: that host is never asked', async () => {
    const elsewhere = await hostileServer(() => ({ url: 'https://files.example/evil.pdf' }));
    const provider = await hostileServer((req) =>
      req.method === 'POST'
        ? { id: 'job-2', status: 'Not Started', path: '/job/job-2/status' }
        : { id: 'job-2', status: 'Done', path: `${elsewhere.url}/job/job-2/output` },
    );
    const job = createActor(markdown2pdfJob, { input: input(provider.url) }).start();
    const outcome = await settle(job);
    expect(elsewhere.heard).toEqual([]);
    expect(outcome).toMatchObject({ status: 'rejected', jobId: 'job-2', error: { kind: 'protocol' } });
  });
});
