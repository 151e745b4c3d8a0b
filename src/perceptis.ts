/** `jobcharts/perceptis`: the Perceptis job chart and its types. */
export { perceptisJob, type PerceptisContext, type PerceptisJobInput, type PerceptisOutcome } from '../machines/perceptis.js';
export type { PerceptisRequest, PerceptisResult, PerceptisDownload } from './providers/perceptis/schema.js';
export { settle, type JobOutcome, type JobError, type Rejection } from './core/outcome.js';
