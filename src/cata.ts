/** `jobcharts/cata`: the Cata adapter-script chart (with its clarification loop) and its types. */
import { cataJob as chart } from './providers/cata/chart.js';
import { appFacing } from './core/app-events.js';
export type {
  AnswerEvent,
  CataContext,
  CataJobInput,
  CataOptions,
  CataOutcome,
} from './providers/cata/chart.js';
export type { CataLogEntry, CataRequest, CataResult, CataTestResult, CataTopic } from './providers/cata/schema.js';
export * from './core/essentials.js';

/** The cata chart, accepting from outside only the events a person or an app may send (see app-events.ts). */
export const cataJob = appFacing(chart);
