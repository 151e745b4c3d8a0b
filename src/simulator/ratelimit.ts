/**
 * A provider's limit per API key, as the simulator enforces it: requests per second (a token bucket on the
 * simulator's clock) and requests in flight at once. Over the limit, the answer is 429 with `Retry-After`.
 * Off unless set for a provider (`startSimulator({ keyLimits: { depicta: { maxConcurrent: 10 } } })`
 * or `sim.keyLimits.set('depicta', …)`), so no other test sees it.
 */
import { header, type SimAnswer, type SimRequest, type SimRoute } from './http.js';

export interface KeyLimit {
  /** Requests per second per key. */
  requestsPerSecond?: number;
  /** Requests a key may send at once before the rate applies (the bucket's size). Default: one second's worth. */
  burst?: number;
  /** Requests per key in flight at once. */
  maxConcurrent?: number;
  /** Real time each request takes to answer (holding its concurrent slot meanwhile). Default 0. */
  latencyMs?: number;
  /** The 429 body (default: Depicta-like `{ error, message }`). */
  body?: unknown;
}

interface KeyState {
  tokens: number;
  at: number;
  inFlight: number;
}

/** Per-provider limits, applied to that provider's routes. */
export class KeyLimits {
  private readonly limits = new Map<string, KeyLimit>();
  private readonly keys = new Map<string, KeyState>();

  constructor(initial: Partial<Record<string, KeyLimit>> = {}) {
    for (const [provider, limit] of Object.entries(initial)) if (limit) this.set(provider, limit);
  }

  /** Sets (or with `null` removes) a provider's limit; its keys start with full buckets. */
  set(provider: string, limit: KeyLimit | null): void {
    if (limit) this.limits.set(provider, limit);
    else this.limits.delete(provider);
    for (const id of this.keys.keys()) if (id.startsWith(`${provider}\n`)) this.keys.delete(id);
  }

  /** Wraps each route so that its provider's limit (when one is set) is checked before the provider answers. */
  wrapAll(routes: SimRoute[]): void {
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      routes[i] = { ...route, handle: (request) => this.handle(route, request) };
    }
  }

  private async handle(route: SimRoute, request: SimRequest): Promise<SimAnswer> {
    const limit = this.limits.get(route.provider);
    if (!limit) return route.handle(request);
    const key = header(request, 'authorization') ?? header(request, 'x-api-key') ?? '';
    const id = `${route.provider}\n${key}`;
    let state = this.keys.get(id);
    if (!state) this.keys.set(id, (state = { tokens: bucketSize(limit), at: request.now, inFlight: 0 }));
    const refused = this.refusal(limit, state, request.now);
    if (refused) return refused;
    state.inFlight += 1;
    try {
      if (limit.latencyMs) await new Promise((resolve) => setTimeout(resolve, limit.latencyMs));
      return await route.handle(request);
    } finally {
      state.inFlight -= 1;
    }
  }

  private refusal(limit: KeyLimit, state: KeyState, now: number): SimAnswer | undefined {
    if (limit.maxConcurrent !== undefined && state.inFlight >= limit.maxConcurrent) {
      return tooMany(limit, 1, `too many concurrent requests (max ${limit.maxConcurrent})`);
    }
    const rate = limit.requestsPerSecond;
    if (rate === undefined) return undefined;
    state.tokens = Math.min(bucketSize(limit), state.tokens + (Math.max(0, now - state.at) * rate) / 1000);
    state.at = Math.max(state.at, now);
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return undefined;
    }
    const waitMs = ((1 - state.tokens) * 1000) / rate;
    return tooMany(limit, Math.max(1, Math.ceil(waitMs / 1000)), `too many requests (max ${rate} per second)`);
  }
}

function bucketSize(limit: KeyLimit): number {
  return limit.burst ?? Math.max(1, limit.requestsPerSecond ?? 1);
}

function tooMany(limit: KeyLimit, retryAfterSeconds: number, message: string): SimAnswer {
  return {
    status: 429,
    body: limit.body ?? { error: 'rate_limited', message },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}
