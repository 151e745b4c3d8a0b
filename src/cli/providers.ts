/**
 * The providers the `jobcharts` command knows: one entry each. Adding a provider to the command is adding
 * its entry here (and, for the demo, its jobs to showcase.ts).
 */
import type { AnyActorRef, AnyStateMachine, EventObject } from 'xstate';
import { blandJob } from '../providers/bland/chart.js';
import { cataJob } from '../providers/cata/chart.js';
import { depictaJob } from '../providers/depicta/chart.js';
import { markdown2pdfJob } from '../providers/markdown2pdf/chart.js';
import { perceptisJob } from '../providers/perceptis/chart.js';
import type { Markdown2pdfPayment } from '../providers/markdown2pdf/schema.js';
import { BLAND_TEST_KEY } from '../providers/bland/simulator.js';
import { CATA_TEST_KEY } from '../providers/cata/simulator.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY } from '../providers/depicta/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../providers/perceptis/simulator.js';
import { UsageError } from './errors.js';
import { paymentDetails, priceOf } from './markdown2pdf-payment.js';

/** What a job waiting for a person asks, and how the person's reply becomes the event the chart waits for. */
export interface PersonStep {
  /** `question`: free text answer; `confirm`: yes or no. */
  kind: 'question' | 'confirm';
  /** What the person reads, in the provider's own words where it has some. */
  text: string;
  /** What the person needs to answer, shown above the question (e.g. the offers and the invoice to pay). */
  details?: string[];
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
  personStep?(job: AnyActorRef): PersonStep | Promise<PersonStep>;
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
  {
    name: 'depicta',
    title: 'Depicta',
    makes: 'illustrated multi-scene stories',
    chart: depictaJob,
    keyEnv: 'DEPICTA_API_KEY',
    baseUrlEnv: 'DEPICTA_BASE_URL',
    simulatorKey: DEPICTA_TEST_KEY,
    parseJobId: anyText,
    // `--prompt "scene one; scene two"`: one scene per part. The model: $DEPICTA_MODEL (the simulator's by default).
    requestFromPrompt: (prompt) => ({
      model: process.env.DEPICTA_MODEL ?? DEPICTA_STORY_MODEL,
      characters: [{ name: 'Hero', appearance: 'the hero of this story' }],
      scenes: prompt
        .split(';')
        .map((scene) => scene.trim())
        .filter(Boolean)
        .map((scene) => ({ prompt: scene })),
    }),
  },
  {
    name: 'bland',
    title: 'Bland AI',
    makes: 'conversational pathways',
    chart: blandJob,
    keyEnv: 'BLAND_API_KEY',
    baseUrlEnv: 'BLAND_BASE_URL',
    simulatorKey: BLAND_TEST_KEY,
    parseJobId: anyText,
    requestFromPrompt: (prompt) => ({ input_prompt: prompt }),
  },
  {
    name: 'cata',
    title: 'Cata',
    makes: 'POS adapter scripts, with a person answering its questions',
    chart: cataJob,
    keyEnv: 'CATA_API_KEY',
    baseUrlEnv: 'CATA_BASE_URL',
    simulatorKey: CATA_TEST_KEY,
    parseJobId: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
    // `--prompt "<pos provider> [topic]"`, e.g. "lightspeed sync_products"; the topic defaults to test_connection.
    requestFromPrompt: (prompt) => {
      const [provider = '', topic = 'test_connection'] = prompt.trim().split(/\s+/);
      return { provider, topic };
    },
    personStep: (job) => {
      const context = job.getSnapshot().context as { clarification: string | null; answerProblem: string | null };
      const refused = context.answerProblem ? ` (your last answer was refused: ${context.answerProblem})` : '';
      return {
        kind: 'question',
        text: `${context.clarification ?? 'Cata needs a clarification.'}${refused}`,
        automaticAnswer: 'Use the field the sample response actually has, and keep ids as strings.',
        reply: (text) => ({ type: 'ANSWER', text }),
      };
    },
  },
  {
    name: 'markdown2pdf',
    title: 'markdown2pdf.ai',
    makes: 'PDFs from markdown, paid per use (HTTP 402)',
    chart: markdown2pdfJob,
    baseUrlEnv: 'MARKDOWN2PDF_BASE_URL',
    parseJobId: anyText,
    requestFromPrompt: (markdown) => ({ data: { text_body: markdown, meta: {} }, options: { document_name: 'converted.pdf' } }),
    personStep: async (job) => {
      const payment = (job.getSnapshot().context as { payment: Markdown2pdfPayment | null }).payment;
      const offer = payment?.offers[0];
      return {
        kind: 'confirm',
        text: `payment required: "${offer?.title ?? 'this document'}" for ${priceOf(offer)}. Pay it, then confirm it is paid`,
        ...(payment ? { details: await paymentDetails(payment) } : {}),
        automaticAnswer: 'yes',
        reply: () => ({ type: 'PAID' }),
      };
    },
  },
];

export const providerNames = () => providers.map((p) => p.name);

export function findProvider(name: string): ProviderEntry {
  const entry = providers.find((p) => p.name === name.toLowerCase());
  if (!entry) throw new UsageError(`unknown provider '${name}': choose one of ${providerNames().join(', ')}`);
  return entry;
}
