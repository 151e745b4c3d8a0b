/** `jobcharts/perceptis`: the Perceptis job chart and its types. */
import { perceptisJob as chart } from './providers/perceptis/chart.js';
import { appFacing } from './core/app-events.js';
export type { PerceptisContext, PerceptisJobInput, PerceptisOutcome } from './providers/perceptis/chart.js';
export type { PerceptisRequest, PerceptisResult, PerceptisDownload } from './providers/perceptis/schema.js';
export * from './core/essentials.js';

/** The perceptis chart, accepting from outside only the events a person or an app may send (see app-events.ts). */
export const perceptisJob = appFacing(chart);
