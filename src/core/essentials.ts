/** What a one-provider app needs beside its chart: every entry exports it, so an app imports from one entry alone. */
export { settle, type JobOutcome, type JobError, type Rejection } from './outcome.js';
export type { RejectionKind } from './events.js';
export type { PollOptions } from './options.js';
