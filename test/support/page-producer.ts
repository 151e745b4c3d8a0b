/**
 * A producer in its own process for the browser tests: starts one job with jobcharts' `inspect()` (or the stock
 * `@statelyai/inspect` inspector with `stock`) and prints JSON lines: `{ sessionId }` once started, `{ outcome }`
 * at its end. Usage: node --import tsx page-producer.ts <cata|markdown2pdf|perceptis> <simulator url> <inspect url> [stock]
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import { createActor, type AnyStateMachine } from 'xstate';
import { cataJob } from '../../src/providers/cata/chart.js';
import { markdown2pdfJob } from '../../src/providers/markdown2pdf/chart.js';
import { perceptisJob } from '../../src/providers/perceptis/chart.js';
import { settle } from '../../src/core/outcome.js';
import { inspect } from '../../src/inspect/index.js';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';

const [provider, baseUrl, url, flavour] = process.argv.slice(2);
const options = { pollIntervalMs: 40, maxPollIntervalMs: 60, pollGrowth: 1, minDelayMs: 0, retryDelayMs: 20, jitter: 0 };
const jobs: Record<string, { machine: AnyStateMachine; input: unknown }> = {
  cata: { machine: cataJob, input: { baseUrl, apiKey: CATA_TEST_KEY, request: { provider: 'grabfood', topic: 'list_remote_outlets' }, options } },
  markdown2pdf: { machine: markdown2pdfJob, input: { baseUrl, request: { data: { text_body: '# Q3\n\nAll figures are up.', meta: { title: 'Q3' } }, options: { document_name: 'q3.pdf' } }, options } },
  perceptis: { machine: perceptisJob, input: { baseUrl, apiKey: PERCEPTIS_TEST_KEY, request: { prompt: 'A long deck', output_type: 'deck' }, options } },
};
const job = jobs[provider];
const stock = flavour === 'stock' ? createWebSocketInspector({ url }) : null;
const ours = stock ? null : inspect({ url });
const inspector = { observer: stock ? stock.inspect : ours!, stop: () => (stock ?? ours!).stop() };
const actor = createActor(job.machine, { input: job.input, inspect: inspector.observer } as never);
actor.start();
console.log(JSON.stringify({ sessionId: actor.sessionId }));
const outcome = await settle(actor);
console.log(JSON.stringify({ outcome: outcome.status }));
// Let the last frames reach the hub before the socket closes.
setTimeout(() => {
  inspector.stop();
  process.exit(0);
}, 300);
