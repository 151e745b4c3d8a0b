/**
 * `jobcharts demo`: the simulated providers and the showcase jobs side by side, live, then a summary.
 * Nothing to configure: everything runs on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { startVisualizer, type Visualizer } from '../../visualizer/server.js';
import { inspect } from '../inspect/index.js';
import { providers } from '../providers/registry.js';
import { localRunner } from '../runner/local.js';
import type { Runner } from '../runner/types.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import { EXIT_INTERRUPTED } from './errors.js';
import { LiveView, type ViewedJob } from './live-view.js';
import { PersonDesk } from './person.js';
import { listening, portOption, untilInterrupted } from './port.js';
import { findProvider } from './providers.js';
import { redact } from './redact.js';
import { RunnerJob } from './runner-job.js';
import { showcase, type ShowcaseJob } from './showcase.js';
import { summaryTable, type SummaryRow } from './summary.js';
import { safeForTerminal } from './terminal-safe.js';

interface DemoFlags {
  yes?: boolean;
  exit?: boolean;
  port: number;
}

export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the showcase: simulated providers, jobs side by side with a live view, then a summary')
    .option('-y, --yes', 'answer every question automatically (clarifications, payment confirmations)')
    .option('--exit', 'exit when all jobs are done (for scripts and CI) instead of serving the visualizer until Ctrl-C')
    .addOption(portOption("the visualizer's port"))
    .addHelpText('after', '\nExit codes: 0 every job ended as its story says · 1 one did not · 130 Ctrl-C.')
    .action(async (flags: DemoFlags) => {
      process.exitCode = await runDemo(flags);
    });
}

interface RunningJob {
  story: ShowcaseJob;
  job: RunnerJob;
  view: ViewedJob;
}

async function runDemo(flags: DemoFlags): Promise<number> {
  const out = process.stdout;
  const startedAt = Date.now();
  // The simulator's own rate limit is set low: the demo's 429s are scripted, so every run shows the same story.
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 100 } });
  out.write(`${pc.bold('jobcharts demo')}  simulated providers at ${sim.url}\n`);
  const visualizer = await startVisualizerIfPossible(flags.port, out);
  const inspector = visualizer ? inspect({ url: visualizer.inspectUrl }) : undefined;
  // The jobs are kept in a database of this run only: the simulator lives in memory, so no job outlives it.
  const folder = mkdtempSync(join(tmpdir(), 'jobcharts-demo-'));
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  process.on('exit', removeFolder);
  const runner = localRunner({
    file: join(folder, 'jobs.db'),
    apiKeys: Object.fromEntries(providers.flatMap((p) => (p.simulator?.testKey === undefined ? [] : [[p.name, p.simulator.testKey]]))),
    baseUrls: Object.fromEntries(providers.map((p) => [p.name, [sim.url]])),
    ...(inspector ? { inspect: inspector } : {}),
  });

  const view = new LiveView(out, { live: out.isTTY === true, clean: (text) => redact(text) });
  const desk = new PersonDesk({ yes: flags.yes === true, withoutTerminal: 'answer', view, input: process.stdin, output: out });

  let interrupted = false;
  const jobs: RunningJob[] = [];
  const onInterrupt = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    view.note(pc.yellow('Ctrl-C: cancelling every job (again to quit at once)'));
    for (const job of jobs) job.job.send({ type: 'CANCEL' });
  };
  process.on('SIGINT', onInterrupt);

  await runner.work({ concurrency: 16 });
  for (const story of showcase()) jobs.push(await startJob(story, sim, runner, view, desk));
  const outcomes = await Promise.all(jobs.map((job) => job.job.outcome));
  view.stop();
  process.off('SIGINT', onInterrupt);

  const rows: SummaryRow[] = jobs.map((job, i) => ({
    label: job.story.label,
    provider: job.story.provider,
    outcome: outcomes[i] as SummaryRow['outcome'],
    expected: job.story.expect,
    requests: requestsOf(sim, job.story.provider, (outcomes[i] as { jobId?: string | number }).jobId),
    ms: (job.view.endedAt ?? Date.now()) - job.view.startedAt,
  }));
  out.write('\n' + safeForTerminal(redact(summaryTable(rows, Date.now() - startedAt))) + '\n');
  if (visualizer) {
    const stats = visualizer.stats();
    out.write(`The visualizer received ${stats.jobs} jobs (${stats.framesReceived} inspection frames) at ${visualizer.url}\n`);
  }

  if (!interrupted && !flags.exit && visualizer) {
    out.write(`\nThe visualizer is still serving at ${pc.bold(visualizer.url)} — Ctrl-C to stop.\n`);
    await untilInterrupted();
  }
  await runner.close();
  removeFolder();
  process.off('exit', removeFolder);
  inspector?.stop();
  await Promise.all([sim.close(), visualizer?.close()]);
  if (interrupted) return EXIT_INTERRUPTED;
  return rows.every((row) => row.outcome.status === row.expected) ? 0 : 1;
}

/** The demo goes on without the visualizer when it cannot start (the port is taken, the page cannot be built…). */
async function startVisualizerIfPossible(port: number, out: NodeJS.WriteStream): Promise<Visualizer | undefined> {
  try {
    const visualizer = await listening('visualizer', () => startVisualizer({ port }));
    out.write(`Visualizer at ${pc.bold(visualizer.url)}  (open it in a browser to watch the charts)\n`);
    return visualizer;
  } catch (error) {
    out.write(pc.yellow(`The visualizer is not available (${(error as Error).message}); the jobs run without it.\n`));
    return undefined;
  }
}

async function startJob(story: ShowcaseJob, sim: Simulator, runner: Runner, view: LiveView, desk: PersonDesk): Promise<RunningJob> {
  const entry = findProvider(story.provider);
  const simulated = sim.provider(entry.name);
  story.script(simulated);
  const id = await runner.submit(entry.name, { baseUrl: sim.url, request: story.request, options: story.options });
  const job = new RunnerJob(runner, id, (error) => view.note(pc.red(`${story.label}: ${String(error)}`)));
  const actor = job.asActor();
  const viewed: ViewedJob = { label: story.label, provider: entry.name, actor, startedAt: Date.now() };
  view.add(viewed);
  desk.attend(viewed, entry, {
    ...(story.automaticAnswer === undefined ? {} : { automaticAnswer: story.automaticAnswer }),
    beforeReply: (event) => story.beforeReply?.(simulated, actor, event),
  });
  if (story.cancelAfterMs !== undefined) {
    const timer = setTimeout(() => {
      if (job.getSnapshot().status !== 'active') return;
      view.note(pc.yellow(`${story.label}: the demo cancels it (as a user would)`));
      job.send({ type: 'CANCEL' });
    }, story.cancelAfterMs);
    void job.outcome.finally(() => clearTimeout(timer));
  }
  return { story, job, view: viewed };
}

/** Requests the simulator saw for one job (its create included), from the simulator's own log. */
function requestsOf(sim: Simulator, provider: string, jobId: string | number | undefined): number {
  if (jobId === undefined) return 0;
  return sim.requests(provider, jobId).length;
}
