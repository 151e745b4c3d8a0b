import * as z from 'zod/mini';
import { checkSchema, type SchemaShape } from './schema.js';
import { rateLimitSchema, type RateLimit } from './rate-budget.js';

/** The largest delay `setTimeout` can hold (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How a job polls. Every wait of every chart is computed from these by {@link nextDelay}.
 * All durations are milliseconds.
 */
export interface PollOptions {
  /** First interval between two status requests. */
  pollIntervalMs: number;
  /** Each in-progress answer multiplies the interval by this factor (1 = constant)… */
  pollGrowth: number;
  /** …up to this cap. */
  maxPollIntervalMs: number;
  /** No wait is ever shorter than this (e.g. Perceptis: never poll one job more than once a second). */
  minDelayMs: number;
  /** Random extra added to each wait, as a fraction of it (0.1 = up to +10 %). Never shortens a wait. */
  jitter: number;
  /** Overall deadline, counted from the start of the job; `Infinity` for none. */
  timeoutMs: number;
  /** Consecutive transient failures (5xx, network, time-out, unreadable body) tolerated before the job ends. */
  maxRetries: number;
  /** First wait after a transient failure; doubles with each consecutive one, up to `maxPollIntervalMs`. */
  retryDelayMs: number;
  /** Time-out of one HTTP request. */
  requestTimeoutMs: number;
  /** A `Retry-After` longer than this is an answer, not a wait: the job ends rejected (`rateLimited`). */
  maxRetryAfterMs: number;
  /**
   * Send a create again when it may have reached the provider but its answer was lost (time-out, reset, unreadable
   * 2xx body, restored while out). Only for charts whose provider has no idempotency key (Bland, Depicta, Cata):
   * default false, since a second create may be a second paid job; the job then ends with an `unconfirmedCreate`.
   * Perceptis (Idempotency-Key) and markdown2pdf (one job per paid document) always send it again.
   */
  resendUnconfirmedCreates: boolean;
  /**
   * The provider's limit for the key, shared by every job of the same provider, base URL and key (see
   * `setRateLimit` to set it once for the app). Absent: no limit until the provider answers 429, then a learnt one.
   */
  rateLimit?: RateLimit;
}

export const defaultPollOptions: PollOptions = {
  pollIntervalMs: 3_000,
  pollGrowth: 1,
  maxPollIntervalMs: 30_000,
  minDelayMs: 0,
  jitter: 0.1,
  timeoutMs: 15 * 60_000,
  maxRetries: 5,
  retryDelayMs: 1_000,
  requestTimeoutMs: 30_000,
  maxRetryAfterMs: 10 * 60_000,
  resendUnconfirmedCreates: false,
};

const duration = z.number().check(z.nonnegative());
const optionsSchema = z.strictObject({
    pollIntervalMs: duration,
    pollGrowth: z.number().check(z.gte(1)),
    maxPollIntervalMs: duration,
    minDelayMs: duration,
    jitter: z.number().check(z.gte(0), z.lte(1)),
    timeoutMs: z.union([z.number().check(z.positive()), z.literal(Infinity)]),
    maxRetries: z.int().check(z.nonnegative()),
    retryDelayMs: duration,
    requestTimeoutMs: z.number().check(z.positive(), z.lte(MAX_TIMER_MS)),
    maxRetryAfterMs: duration,
    resendUnconfirmedCreates: z.boolean(),
    rateLimit: z.optional(rateLimitSchema),
});

/**
 * Merges a user's options over a provider's defaults and checks them.
 * Returns either the options or a sentence saying what is wrong (never throws: a bad option ends the job `rejected`).
 */
export function resolvePollOptions(
  providerDefaults: Partial<PollOptions>,
  user: Partial<PollOptions> | undefined,
): { options: PollOptions } | { problem: string } {
  return resolveJobOptions(providerDefaults, user, {});
}

/**
 * {@link resolvePollOptions} for a chart with options of its own beside the polling ones (e.g. Cata's
 * `answerTimeoutMs`): `extra` checks them, their defaults come in `providerDefaults`. Never throws.
 */
export function resolveJobOptions<TOptions extends PollOptions>(
  providerDefaults: Partial<TOptions>,
  user: Partial<TOptions> | undefined,
  extra: SchemaShape,
): { options: TOptions } | { problem: string } {
  const given = stripUndefined(user ?? {}) as Partial<PollOptions>;
  const merged = { ...defaultPollOptions, ...providerDefaults, ...given } as TOptions;
  // An interval above the provider's default cap, with no cap of the user's own, raises the cap.
  if (given.maxPollIntervalMs === undefined && typeof given.pollIntervalMs === 'number' && merged.maxPollIntervalMs < given.pollIntervalMs) {
    merged.maxPollIntervalMs = given.pollIntervalMs;
  }
  const parsed = checkSchema(schemaWith(extra), merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `options.${issue.path.join('.')}: ${issue.message}` };
  }
  if (merged.maxPollIntervalMs < merged.pollIntervalMs) {
    return { problem: 'options.maxPollIntervalMs must not be smaller than options.pollIntervalMs' };
  }
  return { options: merged };
}

/**
 * The options schema with a chart's own options, made once per `extra` shape: zod compiles each new object schema
 * on its first parse, which cost more than the rest of starting a job when it happened for every job.
 */
const extendedSchemas = new WeakMap<SchemaShape, z.ZodMiniType>();
function schemaWith(extra: SchemaShape): z.ZodMiniType {
  if (!Object.keys(extra).length) return optionsSchema;
  let schema = extendedSchemas.get(extra);
  if (!schema) extendedSchemas.set(extra, (schema = z.extend(optionsSchema, extra)));
  return schema;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
