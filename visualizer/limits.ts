/**
 * What the hub keeps, at most, whatever its producers send. Every figure here bounds memory or work that a
 * client's frames could otherwise grow without end; docs/visualizer-security.md states them for users.
 */

export interface HubLimits {
  /** Timeline entries kept per job. Default 200. */
  historyLimit: number;
  /** Jobs kept. Default 2000. */
  maxJobs: number;
  /** Bytes the jobs may hold in all (their state and timelines, as counted by `sizeOf`). Default 16 MiB. */
  maxStoreBytes: number;
  /** Characters of one job's context kept as sent; a larger context is replaced by its summary. Default 16 384. */
  maxContextChars: number;
  /** Charts learnt from producers (beyond the registry). Default 16. */
  maxLearntCharts: number;
  /** Characters of one learnt chart's definition. Default 65 536. */
  maxChartChars: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  historyLimit: 200,
  maxJobs: 2_000,
  maxStoreBytes: 16 * 1024 * 1024,
  maxContextChars: 16 * 1024,
  maxLearntCharts: 16,
  maxChartChars: 64 * 1024,
};

/** A job's `output` and `value` are kept up to these fractions of `maxContextChars`… */
export const OUTPUT_SHARE = 1 / 2;
/** …and the state value (`{ polling: { provider: 'pending' } }`) up to this many characters. */
export const MAX_VALUE_CHARS = 2_048;
/** Timeline texts: a title and a detail line, never a whole body. */
export const MAX_TITLE_CHARS = 120;
export const MAX_DETAIL_CHARS = 300;
/** Short fields of a job (its id, provider, tags). */
export const MAX_FIELD_CHARS = 200;
export const MAX_TAGS = 32;
/** Timeline entries waiting for the next batch to the pages: past this the oldest are not sent (a page asks again). */
export const MAX_PENDING_ENTRIES = 10_000;
/** What one timeline entry and one job cost besides their texts (object headers, numbers, map slots). */
export const ENTRY_OVERHEAD_BYTES = 120;
export const JOB_OVERHEAD_BYTES = 1_024;

/** The memory a string may take: V8 keeps two bytes a character once one is beyond Latin-1. */
export const sizeOf = (text: string): number => text.length * 2;

/** `text` cut to `max` characters, with an ellipsis when cut. */
export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * What one producer connection can teach the hub's redactor (its own, used on its frames only): secrets kept at
 * once, and secrets taken from one job's input. Matching costs one scan per string whatever the number.
 */
export const PRODUCER_SECRET_LIMITS = { maxSecrets: 64, maxSecretsPerInput: 8 } as const;
