/** `jobcharts/depicta`: the Depicta story-generation chart and its types. */
export { depictaJob, type DepictaContext, type DepictaJobInput, type DepictaOutcome } from '../machines/depicta.js';
export type { DepictaRequest, DepictaResult, DepictaSceneImages } from './providers/depicta/schema.js';
export { settle, type JobOutcome, type JobError, type Rejection } from './core/outcome.js';
