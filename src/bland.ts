/** `jobcharts/bland`: the Bland AI pathway-generation chart and its types. */
import { blandJob as chart } from './providers/bland/chart.js';
import { appFacing } from './core/app-events.js';
export type { BlandContext, BlandJobInput, BlandOutcome } from './providers/bland/chart.js';
export type { BlandRequest, BlandResult } from './providers/bland/schema.js';
export * from './core/essentials.js';

/** The bland chart, accepting from outside only the events a person or an app may send (see app-events.ts). */
export const blandJob = appFacing(chart);
