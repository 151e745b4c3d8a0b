/**
 * The rate budgets of this process: one shared by every job that calls the same provider, at the same base URL,
 * with the same key — a thousand jobs of one key spend one rate limit together instead of each polling as if alone.
 * Without a configured limit and without a 429 no budget exists, and jobs never enter `waitingForBudget`.
 *
 * Budgets are keyed by an HMAC of provider, base URL and key under a secret of this process: the registry never
 * holds a key, and its ids mean nothing outside the process. Time is always the caller's clock (the actor
 * system's: `SimulatedClock` in tests), passed in as `now`.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import type { AnyActorRef } from 'xstate';
import { randomBytes, toHex } from './random.js';
import { startInputOf } from './start-input.js';
import { trimBaseUrl } from './url.js';
import { RateBudget, RateMeter, type BudgetStats, type RateLimit } from './rate-budget.js';

/** Where a job's requests go: what a budget is shared by (with the key, which is read from the running job). */
export interface BudgetTarget {
  provider: string;
  baseUrl: string;
}

/** Budgets and accepted-rate meters of one provider at one base URL. */
interface Origin {
  budgets: Map<string, RateBudget>;
  accepted: RateMeter;
}

const secret = randomBytes(32);
const origins = new Map<string, Map<string, Origin>>();

function originOf(provider: string, baseUrl: string): Origin {
  let byUrl = origins.get(provider);
  if (!byUrl) origins.set(provider, (byUrl = new Map()));
  let origin = byUrl.get(baseUrl);
  if (!origin) byUrl.set(baseUrl, (origin = { budgets: new Map(), accepted: new RateMeter() }));
  return origin;
}

function budgetId(provider: string, baseUrl: string, apiKey: string): string {
  // Synchronous HMAC (Web Crypto's is async): the id is needed in the same tick as the request it admits.
  return toHex(hmac(sha256, secret, new TextEncoder().encode(`${provider}\n${baseUrl}\n${apiKey}`)));
}

function budgetOf(origin: Origin, id: string, create: boolean): RateBudget | undefined {
  let budget = origin.budgets.get(id);
  if (!budget && create) origin.budgets.set(id, (budget = new RateBudget()));
  return budget;
}

/** Sets the rate limit of one key for every job of the app (until changed; `null` removes it). */
export function setRateLimit(target: BudgetTarget & { apiKey?: string }, limit: RateLimit | null): void {
  const baseUrl = trimBaseUrl(target.baseUrl);
  const origin = originOf(target.provider, baseUrl);
  const id = budgetId(target.provider, baseUrl, target.apiKey ?? '');
  if (limit === null) origin.budgets.delete(id);
  else budgetOf(origin, id, true)!.configure(limit);
}

/** What the budget of one key did so far; `undefined` when the key has none. */
export function rateBudgetStats(target: BudgetTarget & { apiKey?: string }): BudgetStats | undefined {
  const baseUrl = trimBaseUrl(target.baseUrl);
  const budget = origins.get(target.provider)?.get(baseUrl)?.budgets.get(budgetId(target.provider, baseUrl, target.apiKey ?? ''));
  return budget?.snapshot();
}

/** Forgets every budget and meter (tests, benchmarks). */
export function clearRateBudgets(): void {
  origins.clear();
}

/** What the budget code reads of a job's context: where it sends requests, and its own limit if any. */
export interface BudgetedContext extends BudgetTarget {
  options: { rateLimit?: RateLimit };
  deadlineAt: number | null;
}

/**
 * Whether a job must pass `waitingForBudget` before its next request: it has a limit of its own, or its
 * provider and base URL have a budget (configured or learnt). Otherwise the job goes straight to `requesting`.
 */
export function needsBudget(context: BudgetedContext): boolean {
  if (context.options.rateLimit !== undefined) return true;
  const origin = origins.get(context.provider)?.get(context.baseUrl);
  return origin !== undefined && origin.budgets.size > 0;
}

const jobIds = new WeakMap<object, string>();

function jobBudgetId(job: AnyActorRef, context: BudgetTarget): string {
  let id = jobIds.get(job);
  if (id === undefined) {
    const apiKey = startInputOf(job).apiKey;
    jobIds.set(job, (id = budgetId(context.provider, context.baseUrl, typeof apiKey === 'string' ? apiKey : '')));
  }
  return id;
}

/** The budget a job's requests spend, creating it from the job's own `options.rateLimit`; a stale learnt one is forgotten. */
export function jobBudget(job: AnyActorRef, context: BudgetedContext, now: number): RateBudget | undefined {
  const own = context.options.rateLimit;
  const existing = origins.get(context.provider)?.get(context.baseUrl);
  if (!own && !existing?.budgets.size) return undefined;
  const origin = existing ?? originOf(context.provider, context.baseUrl);
  const id = jobBudgetId(job, context);
  const budget = budgetOf(origin, id, own !== undefined);
  if (!budget) return undefined;
  if (own) budget.configure(own);
  if (budget.isActive(now)) return budget;
  origin.budgets.delete(id);
  return undefined;
}

/**
 * What a request actor tells the budget: it starts (returns what to call when it ends), and how it was answered.
 * Costs two map look-ups per request when no budget exists.
 */
export function requestStarted(job: AnyActorRef, context: BudgetedContext, now: number): (() => void) | undefined {
  const budget = jobBudget(job, context, now);
  if (!budget) return undefined;
  budget.admit(job, now);
  return () => budget.release(job);
}

/** `answer`: the event type the request ended with (`http.rateLimited` teaches the key's budget). */
export function requestAnswered(job: AnyActorRef, context: BudgetTarget, answer: string, sentAt: number, now: number): void {
  const origin = originOf(context.provider, context.baseUrl);
  if (answer !== 'http.rateLimited') {
    origin.accepted.add(now);
    return;
  }
  const budget = budgetOf(origin, jobBudgetId(job, context), true)!;
  budget.rateLimited(now, sentAt, origin.accepted.perSecond(now));
}
