/** `jobcharts/depicta`: the Depicta story-generation chart and its types. */
import { depictaJob as chart } from './providers/depicta/chart.js';
import { appFacing } from './core/app-events.js';
export type { DepictaContext, DepictaJobInput, DepictaOutcome } from './providers/depicta/chart.js';
export type { DepictaRequest, DepictaResult, DepictaSceneImages } from './providers/depicta/schema.js';
export * from './core/essentials.js';

/** The depicta chart, accepting from outside only the events a person or an app may send (see app-events.ts). */
export const depictaJob = appFacing(chart);
