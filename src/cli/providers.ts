/**
 * The providers the `jobcharts` command knows: one entry each. Adding a provider to the command is adding
 * its entry here (and, for the demo, its jobs to showcase.ts).
 */
import type { AnyActorRef, AnyStateMachine, EventObject } from 'xstate';
import { perceptisJob } from '../../machines/perceptis.js';
import { PERCEPTIS_TEST_KEY } from '../simulator/perceptis.js';
import { UsageError } from './errors.js';

/** What a job waiting for a person asks, and how the person's reply becomes the event the chart waits for. */
export interface PersonStep {
  /** `question`: free text answer; `confirm`: yes or no. */
  kind: 'question' | 'confirm';
  /** What the person reads, in the provider's own words where it has some. */
  text: string;
  /** What `--yes` answers. */
  automaticAnswer: string;
  /** The event to send the job; `null` means "no": the job is cancelled. */
  reply(answer: string): EventObject | null;
}

export interface ProviderEntry {
  name: string;
  title: string;
  /** What it generates, for `--help`. */
  makes: string;
  chart: AnyStateMachine;
  /** The environment variable holding the API key; absent for a provider without keys. */
  keyEnv?: string;
  /** The environment variable holding the base URL (the `--base-url` flag wins). */
  baseUrlEnv: string;
  /** The key the simulated provider accepts. */
  simulatorKey?: string;
  /** A job id as typed on the command line, in the provider's own type (string or integer). */
  parseJobId(text: string): unknown;
  /** A create request from `--prompt`. */
  requestFromPrompt(prompt: string): unknown;
  /** Present for providers whose jobs can stop and wait for a person (state tagged `needs-input`). */
  personStep?(job: AnyActorRef): PersonStep;
}

const anyText = (text: string) => text;

export const providers: ProviderEntry[] = [
  {
    name: 'perceptis',
    title: 'Perceptis',
    makes: 'PowerPoint slides and decks',
    chart: perceptisJob,
    keyEnv: 'PERCEPTIS_API_KEY',
    baseUrlEnv: 'PERCEPTIS_BASE_URL',
    simulatorKey: PERCEPTIS_TEST_KEY,
    parseJobId: anyText,
    requestFromPrompt: (prompt) => ({ prompt, output_type: 'single_slide' }),
  },
];

export const providerNames = () => providers.map((p) => p.name);

export function findProvider(name: string): ProviderEntry {
  const entry = providers.find((p) => p.name === name.toLowerCase());
  if (!entry) throw new UsageError(`unknown provider '${name}': choose one of ${providerNames().join(', ')}`);
  return entry;
}
