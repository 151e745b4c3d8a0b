/** `jobcharts/cata`: the Cata adapter-script chart (with its clarification loop) and its types. */
export {
  cataJob,
  type AnswerEvent,
  type CataContext,
  type CataJobInput,
  type CataOptions,
  type CataOutcome,
} from '../machines/cata.js';
export type { CataLogEntry, CataRequest, CataResult, CataTestResult, CataTopic } from './providers/cata/schema.js';
export { settle, type JobOutcome, type JobError, type Rejection } from './core/outcome.js';
