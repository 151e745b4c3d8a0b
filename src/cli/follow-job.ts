/**
 * Runs one real job for `submit` and `watch`: live progress on stderr, the outcome on stdout (words, or JSON
 * with `--json`), Ctrl-C cancels the job, and the exit code says how it ended.
 */
import { readFileSync } from 'node:fs';
import { createActor } from 'xstate';
import pc from 'picocolors';
import { settle, type JobOutcome } from '../core/outcome.js';
import { inspect } from '../inspect/index.js';
import { EXIT_INTERRUPTED, UsageError } from './errors.js';
import { outcomeLabel } from './job-view.js';
import { LiveView } from './live-view.js';
import { PersonDesk } from './person.js';
import type { ProviderEntry } from './providers.js';
import { redact, redactValue } from './redact.js';
import { jsonForTerminal, plainText, safeForTerminal } from './terminal-safe.js';

/** Flags `submit` and `watch` share. */
export interface JobFlags {
  baseUrl?: string;
  json?: boolean;
  yes?: boolean;
  pollInterval?: number;
  timeout?: number;
  inspect?: string;
  /** Never accepted (a key on the command line shows in `ps` and shell history): only read to say so. */
  apiKey?: string;
}

export function exitCodeOf(outcome: { status: string }, interrupted: boolean): number {
  if (outcome.status === 'succeeded') return 0;
  if (outcome.status === 'cancelled' && interrupted) return EXIT_INTERRUPTED;
  return 1;
}

export function baseUrlOf(entry: ProviderEntry, flags: JobFlags, env = process.env): string {
  const url = flags.baseUrl ?? env[entry.baseUrlEnv];
  if (!url) throw new UsageError(`no base URL for ${entry.name}: pass --base-url or set ${entry.baseUrlEnv}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${redact(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('--base-url must be an http(s) URL');
  if (parsed.username || parsed.password) {
    const from = flags.baseUrl === undefined ? entry.baseUrlEnv : '--base-url';
    throw new UsageError(`${from} must not hold a user name or password (user:password@…)${entry.keyEnv ? `: the API key is read from ${entry.keyEnv}` : ''}`);
  }
  return url;
}

/** `--api-key` is declared (hidden) only to refuse it by naming the variable to set, without echoing the key. */
export function refuseKeyOnCommandLine(entry: ProviderEntry, flags: JobFlags): void {
  if (flags.apiKey === undefined) return;
  throw new UsageError(
    entry.keyEnv
      ? `--api-key is not an option (a key on the command line shows in ps and shell history): set ${entry.keyEnv} instead`
      : `--api-key is not an option, and ${entry.name} needs no API key`,
  );
}

export function apiKeyOf(entry: ProviderEntry, env = process.env): string | undefined {
  if (!entry.keyEnv) return undefined;
  const key = env[entry.keyEnv]?.trim();
  if (!key) throw new UsageError(`missing API key for ${entry.name}: set ${entry.keyEnv}`);
  return key;
}

/** The create request from `--prompt` or `--file` (exactly one of them). */
export function requestOf(entry: ProviderEntry, flags: { prompt?: string; file?: string }): unknown {
  if ((flags.prompt === undefined) === (flags.file === undefined)) throw new UsageError('give either --prompt or --file (one of them)');
  if (flags.prompt !== undefined) return entry.requestFromPrompt(flags.prompt);
  let text: string;
  try {
    text = readFileSync(flags.file!, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${flags.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flags.file} is not JSON: ${(error as Error).message}`);
  }
}

function inspectUrlOf(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // said below
  }
  if (url?.protocol !== 'ws:' && url?.protocol !== 'wss:') {
    throw new UsageError(`--inspect must be the visualizer's ws:// URL, e.g. ws://127.0.0.1:4747/inspect?token=…`);
  }
  // Without its token the hub refuses the connection, and the job would run unseen: say so now.
  if (!url.searchParams.get('token')) throw new UsageError('--inspect needs the URL with its token, as `jobcharts visualize` prints it');
  return text;
}

export function pollOptionsOf(flags: JobFlags): Record<string, number> {
  const options: Record<string, number> = {};
  if (flags.pollInterval !== undefined) {
    // A user asking for a shorter interval than the provider's floor (e.g. against the simulator) means it.
    options.pollIntervalMs = flags.pollInterval;
    options.minDelayMs = Math.min(flags.pollInterval, 1_000);
    options.retryDelayMs = flags.pollInterval;
  }
  if (flags.timeout !== undefined) options.timeoutMs = flags.timeout;
  return options;
}

export async function followJob(
  entry: ProviderEntry,
  target: { request: unknown } | { jobId: unknown },
  flags: JobFlags,
): Promise<number> {
  refuseKeyOnCommandLine(entry, flags);
  const baseUrl = baseUrlOf(entry, flags);
  const apiKey = apiKeyOf(entry);
  const clean = (text: string) => safeForTerminal(redact(text, [apiKey]));
  const input = { baseUrl, ...(apiKey === undefined ? {} : { apiKey }), ...target, options: pollOptionsOf(flags) };
  const inspector = flags.inspect === undefined ? undefined : inspect({ url: inspectUrlOf(flags.inspect) });
  const actor = createActor(entry.chart, { input, ...(inspector ? { inspect: inspector } : {}) });
  const startedAt = Date.now();
  const view = new LiveView(process.stderr, { live: process.stderr.isTTY === true, clean });
  const job = { label: 'jobId' in target ? String(target.jobId) : 'new job', provider: entry.name, actor, startedAt };

  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    view.note(pc.yellow('Ctrl-C: cancelling the job (again to quit at once)'));
    actor.send({ type: 'CANCEL' });
  };
  process.on('SIGINT', onInterrupt);

  let announcedId = 'jobId' in target;
  actor.subscribe((snapshot) => {
    const jobId = (snapshot.context as { jobId?: unknown }).jobId;
    if (!announcedId && jobId !== null && jobId !== undefined) {
      announcedId = true;
      view.note(`${entry.title} job ${plainText(String(jobId))} created`);
    }
  });
  new PersonDesk({ yes: flags.yes === true, withoutTerminal: 'cancel', view, input: process.stdin, output: process.stderr }).attend(
    job,
    entry,
  );
  view.add(job);
  actor.start();

  const outcome = (await settle(actor)) as JobOutcome<unknown, unknown>;
  view.stop();
  inspector?.stop();
  process.off('SIGINT', onInterrupt);
  const shown = redactValue(outcome, [apiKey]);
  if (flags.json) {
    process.stdout.write(jsonForTerminal(shown) + '\n');
  } else {
    process.stdout.write(clean(describeOutcome(shown, Date.now() - startedAt)) + '\n');
  }
  return exitCodeOf(outcome, interrupted);
}

function describeOutcome(outcome: JobOutcome<unknown, unknown>, ms: number): string {
  const head = `${outcomeLabel(outcome)}${outcome.jobId === undefined ? '' : `  job ${plainText(String(outcome.jobId))}`}  in ${(ms / 1000).toFixed(1)} s`;
  switch (outcome.status) {
    case 'succeeded':
      return `${head}\n${jsonForTerminal(outcome.result, 2)}`;
    case 'failed':
    case 'rejected':
      return `${head}\n${outcome.error.code ? `${plainText(outcome.error.code)}: ` : ''}${plainText(outcome.error.message)}`;
    default:
      return head;
  }
}
