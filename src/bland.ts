/** `jobcharts/bland`: the Bland AI pathway-generation chart and its types. */
export { blandJob, type BlandContext, type BlandJobInput, type BlandOutcome } from '../machines/bland.js';
export type { BlandRequest, BlandResult } from './providers/bland/schema.js';
export { settle, type JobOutcome, type JobError, type Rejection } from './core/outcome.js';
