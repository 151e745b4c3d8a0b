/**
 * The commands that act on runner jobs kept in Redis (see docs/scale-out.md): `worker` steps them; `submit`,
 * `watch` (with `--redis`), `answer`, `pay` and `cancel` act on one by its id, from any shell.
 */
import type { Command } from 'commander';
import { bullmqRunner } from '../bullmq/runner.js';
import { inspect } from '../inspect/index.js';
import type { JobView, PersonEvent, Runner, RunnerConfig } from '../runner/types.js';
import { UsageError } from './errors.js';
import { baseUrlOf, pollOptionsOf, requestOf, type JobFlags } from './follow-job.js';
import { providers, type ProviderEntry } from './providers.js';

const REDIS_HELP = 'the Redis of the runner, e.g. redis://127.0.0.1:6379 (jobs are kept and stepped there)';

/** Keys from the providers' environment variables (as `submit` reads them), and the base URLs they may go to. */
export function runnerConfigFromEnv(env = process.env): RunnerConfig {
  const apiKeys: Record<string, string> = {};
  const baseUrls: Record<string, string[]> = {};
  for (const entry of providers) {
    const key = entry.keyEnv ? env[entry.keyEnv]?.trim() : undefined;
    if (key) apiKeys[entry.name] = key;
    const url = env[entry.baseUrlEnv];
    if (url) baseUrls[entry.name] = [url];
  }
  return { apiKeys, baseUrls };
}

function redisRunner(url: string, config: RunnerConfig): Runner {
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--redis takes a redis:// URL, got '${printable(url)}'`);
  return bullmqRunner({ ...config, connection: url });
}

/** The provider's words on one line: no control characters reach the terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function viewLine(view: JobView): string {
  const progress = view.progress === null ? '' : ` ${Math.round(view.progress * 100)}%`;
  const wake = view.wakeAt === null ? '' : ` next step ${new Date(view.wakeAt).toISOString()}`;
  const ask = view.needsInput ? ` waiting for a person${view.question ? `: ${view.question}` : ''}` : '';
  return printable(`${view.id} ${JSON.stringify(view.value)}${progress}${wake}${ask}`);
}

/** `jobcharts submit <provider> --redis <url>`: store the job, print its id, and leave it to the workers. */
export async function submitToRunner(entry: ProviderEntry, flags: JobFlags & { redis: string; prompt?: string; file?: string }): Promise<number> {
  const baseUrl = baseUrlOf(entry, flags);
  const env = runnerConfigFromEnv();
  const runner = redisRunner(flags.redis, { ...env, baseUrls: { ...env.baseUrls, [entry.name]: [baseUrl] } });
  try {
    const id = await runner.submit(entry.name, { baseUrl, request: requestOf(entry, flags), options: pollOptionsOf(flags) });
    process.stdout.write(`${id}\n`);
    return 0;
  } finally {
    await runner.close();
  }
}

/** `jobcharts watch <provider> <id> --redis <url>`: print the job's view after each step, then its outcome. */
export async function watchRunnerJob(entry: ProviderEntry, id: string, flags: { redis: string; json?: boolean }): Promise<number> {
  const runner = redisRunner(flags.redis, {});
  try {
    const stop = runner.watch(id, (view) => {
      if (view.provider !== entry.name) return;
      if (!flags.json && view.status === 'active') process.stdout.write(`${viewLine(view)}\n`);
    });
    const outcome = await runner.outcome(id);
    stop();
    process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : printable(`${id} ended ${outcome.status}`) + '\n');
    return outcome.status === 'succeeded' ? 0 : 1;
  } finally {
    await runner.close();
  }
}

export function addRunnerCommands(program: Command): void {
  program
    .command('worker')
    .description('step runner jobs kept in Redis until stopped (run one per core; keys from the providers\' environment variables)')
    .requiredOption('--redis <url>', REDIS_HELP)
    .option('--concurrency <n>', 'jobs stepped at once by this process (default 10)', (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--concurrency takes a whole number of jobs, e.g. 50');
      return n;
    })
    .option('--inspect <ws-url>', 'stream every step to a running visualizer (the URL `jobcharts visualize` prints)')
    .action(async (flags: { redis: string; concurrency?: number; inspect?: string }) => {
      const config = runnerConfigFromEnv();
      const inspector = flags.inspect ? inspect({ url: flags.inspect }) : undefined;
      const runner = redisRunner(flags.redis, { ...config, ...(inspector ? { inspect: inspector } : {}) });
      await runner.work({ concurrency: flags.concurrency ?? 10 });
      const allowed = Object.keys(config.baseUrls ?? {});
      process.stderr.write(`jobcharts worker: stepping jobs (${allowed.length ? allowed.join(', ') : 'no provider has a base URL set'}); Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await runner.close();
      inspector?.stop();
    });

  const personCommand = (name: string, description: string, event: (args: string[]) => PersonEvent, args: string[]) => {
    const command = program.command(name).description(description).argument('<id>', 'the runner job id `submit --redis` printed');
    for (const arg of args) command.argument(arg);
    command.requiredOption('--redis <url>', REDIS_HELP).action(async (id: string, ...rest: unknown[]) => {
      const flags = rest[args.length] as { redis: string };
      const runner = redisRunner(flags.redis, {});
      try {
        await runner.send(id, event(rest.slice(0, args.length) as string[]));
      } finally {
        await runner.close();
      }
    });
  };
  personCommand('answer', "answer a runner job's question (Cata)", ([text]) => ({ type: 'ANSWER', text }), ['<text>']);
  personCommand('pay', 'tell a runner job its payment is made (markdown2pdf)', () => ({ type: 'PAID' }), []);
  personCommand('cancel', 'cancel a runner job', () => ({ type: 'CANCEL' }), []);
}
