/**
 * The hub under a flood, measured: `jobcharts visualize` runs as its own process, four producers flood it (new
 * charts, 0.9 MB contexts, contexts just under the cap, thousands of jobs, `requests: 5e7`) while pages keep opening, and the hub's resident
 * memory is sampled from /proc. A few seconds in `npm test`; `JOBCHARTS_FLOOD_SECONDS=30 npx vitest run
 * test/visualizer.hub-flood.test.ts` (or `npm run bench:hub`) floods for 30 s. The figures are printed.
 * `JOBCHARTS_HUB_NODE_OPTIONS=--max-old-space-size=64` runs the hub inside a 64 MB heap.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HubMessage } from '../visualizer/protocol.js';
import { startCli, until } from './cli/run-cli.js';
import { pageSocketUrl, sent } from './support/hub.js';

const SECONDS = Number(process.env.JOBCHARTS_FLOOD_SECONDS ?? 3);
/** The bound docs/visualizer-security.md states. */
const MAX_RSS_MB = 250;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const connect = (url: string, origin?: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.once('open', () => resolve(socket)).once('error', reject);
  });

const actor = (sessionId: string, context: Record<string, unknown>, definition: unknown = { id: 'perceptis' }) =>
  JSON.stringify({
    type: '@xstate.actor',
    sessionId,
    rootId: sessionId,
    createdAt: String(Date.now()),
    definition: JSON.stringify(definition),
    snapshot: { status: 'active', value: { polling: { provider: 'processing' } }, context },
  });

const chartStates = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`state${i}`, { on: { NEXT: `state${(i + 1) % 300}` } }]));
const pad = 'p'.repeat(900 * 1024);

/** What the producers send, round after round: every way issue 13 found to grow the hub, in these proportions. */
const floods: Array<{ name: string; perRound: number; frame: (n: number) => string }> = [
  { name: 'new charts', perRound: 1, frame: (n) => actor(`chart-${n}`, { jobId: n }, { id: `learnt-${n}`, initial: 'state0', states: chartStates }) },
  { name: '0.9 MB contexts', perRound: 1, frame: (n) => actor(`big-${n}`, { jobId: n, pad }) },
  { name: 'small jobs', perRound: 20, frame: (n) => actor(`job-${n}`, { jobId: n, progress: (n % 100) / 100 }) },
  // Just under what the hub keeps of one context: these fill its byte budget.
  { name: '15 K contexts', perRound: 5, frame: (n) => actor(`full-${n}`, { jobId: n, note: 'n'.repeat(15_000) }) },
  { name: 'requests: 5e7', perRound: 20, frame: (n) => actor(`req-${n}`, { requests: 5e7 + n }) },
];

/** CPU seconds the process has used (utime + stime, in clock ticks of 1/100 s). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

describe('the visualizer hub under a flood, as its own process', () => {
  it(`stays under ${MAX_RSS_MB} MB of RSS and keeps answering (${SECONDS} s flood)`, { timeout: (SECONDS + 60) * 1000 }, async () => {
    const run = await startCli(['visualize'], process.env.JOBCHARTS_HUB_NODE_OPTIONS ? { env: { NODE_OPTIONS: process.env.JOBCHARTS_HUB_NODE_OPTIONS } } : {});
    await until(() => /Ctrl-C to stop/.test(run.stdout()), 'the visualizer to start', 20_000);
    const pageUrl = /Visualizer at (\S+)/.exec(run.stdout())![1];
    const inspectUrl = /Jobs stream to (\S+):/.exec(run.stdout())![1];
    const pid = run.child.pid!;
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);

    const cpuBefore = cpuSeconds(pid);
    const sockets = await Promise.all(floods.map(() => connect(inspectUrl)));
    const end = Date.now() + SECONDS * 1000;
    let rounds = 0;
    const producers = (async () => {
      for (; Date.now() < end; rounds++) {
        await Promise.all(floods.map(async (flood, i) => {
          for (let k = 0; k < flood.perRound; k++) await sent(sockets[i], flood.frame(rounds * flood.perRound + k));
        }));
      }
      for (const socket of sockets) socket.close();
    })();
    // Pages keep opening: each reads all it is sent for a while, then goes.
    let pagesOpened = 0;
    let pageMessages = 0;
    const pages = (async () => {
      while (Date.now() < end) {
        const page = await connect(pageSocketUrl(pageUrl), new URL(pageUrl).origin);
        pagesOpened++;
        page.on('message', () => pageMessages++);
        await new Promise((r) => setTimeout(r, 700));
        page.close();
      }
    })();
    await Promise.all([producers, pages]);

    // Still answering: a fresh page gets its hello, the stats are served.
    const late = await connect(pageSocketUrl(pageUrl), new URL(pageUrl).origin);
    const said: HubMessage[] = [];
    late.on('message', (data) => said.push(JSON.parse(String(data)) as HubMessage));
    await until(() => said.some((m) => m.type === 'hello'), 'a hello after the flood', 20_000);
    late.close();
    const statsUrl = new URL(pageUrl);
    statsUrl.pathname = '/stats.json';
    const stats = (await (await fetch(statsUrl)).json()) as { jobs: number; storeBytes: number; charts: number; framesReceived: number };
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(pid));

    console.log(
      `[hub flood] ${SECONDS} s: ${stats.framesReceived} frames (${floods.map((f) => `${f.perRound * rounds} ${f.name}`).join(', ')}), ` +
        `hub CPU ${(cpuSeconds(pid) - cpuBefore).toFixed(1)} s, ${pagesOpened} pages opened, ${pageMessages} messages to pages; ` +
        `RSS ${before.toFixed(0)} MB at start, peak ${peak.toFixed(0)} MB; ` +
        `store ${(stats.storeBytes / 1024 / 1024).toFixed(1)} MiB in ${stats.jobs} jobs, ${stats.charts} charts`,
    );
    expect(peak).toBeLessThan(MAX_RSS_MB);
    expect(stats.charts).toBeLessThanOrEqual(5 + 16);

    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });
});
