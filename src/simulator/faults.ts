/**
 * Faults the simulator plays on request, whatever the provider: a `FaultPlan` is a queue of faults, each taken
 * by the next request that matches it. A fault either replaces the provider's answer (the provider never sees the
 * request, or — `when: 'after'` — handles it and its answer is lost) or spoils the body of the answer it gave.
 * Per-job faults inside a provider's script (`{ fault: 'reset' }` steps) are the other way to script them.
 */
import type { ServerResponse } from 'node:http';
import type { BodyFault, SimAnswer, WireFault } from './http.js';

/** `Retry-After` of a planned 429 (or 503): delta-seconds, an HTTP-date this far from the simulator's now, or any text. */
export type PlannedRetryAfter = { seconds: number } | { dateInMs: number } | { raw: string };

export type PlannedFault =
  /** No fault: the provider answers as usual (a plan can script every request in order). */
  | { pass: true }
  | { wire: WireFault }
  | { http: number; retryAfter?: PlannedRetryAfter; body?: unknown }
  | { spoil: BodyFault };

export interface FaultRule {
  fault: PlannedFault;
  /** Only requests to this provider's routes (default: any). */
  provider?: string;
  method?: 'GET' | 'POST';
  /** Only requests whose path matches (default: any). */
  path?: RegExp;
  /**
   * `before` (default): the provider never sees the request. `after`: the provider handles it — a job may be
   * created, a script step is used up — and then its answer is replaced by the fault. Spoilt bodies are always `after`.
   */
  when?: 'before' | 'after';
}

/** A queue of faults for the next matching requests, in order. */
export class FaultPlan {
  private readonly rules: FaultRule[] = [];
  /** How many faults have been played so far. */
  played = 0;

  add(...rules: FaultRule[]): this {
    this.rules.push(...rules);
    return this;
  }

  /** Faults not played yet. */
  get pending(): number {
    return this.rules.length;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Removes and returns the first rule this request matches. */
  take(provider: string, method: string, path: string): FaultRule | undefined {
    const i = this.rules.findIndex(
      (r) => (!r.provider || r.provider === provider) && (!r.method || r.method === method) && (!r.path || r.path.test(path)),
    );
    if (i < 0) return undefined;
    const rule = this.rules.splice(i, 1)[0];
    if (!('pass' in rule.fault)) this.played += 1;
    return rule;
  }
}

export const playsAfterProvider = (rule: FaultRule): boolean => 'spoil' in rule.fault || 'pass' in rule.fault || rule.when === 'after';

/** What the log says was played, e.g. `reset`, `http 503`, `spoil extraFields` (with `/after` when the provider saw it). */
export function faultLabel(rule: FaultRule): string {
  const f = rule.fault;
  if ('pass' in f) return 'pass';
  const name = 'wire' in f ? f.wire : 'http' in f ? `http ${f.http}` : `spoil ${f.spoil}`;
  return rule.when === 'after' && !('spoil' in f) ? `${name}/after` : name;
}

/** The answer that replaces the provider's (wire and HTTP faults). */
export function replacementAnswer(
  fault: Exclude<PlannedFault, { spoil: BodyFault } | { pass: true }>,
  now: number,
  jobId?: string | number,
): SimAnswer {
  const id = jobId === undefined ? {} : { jobId };
  if ('wire' in fault) return { fault: fault.wire, ...id };
  const headers: Record<string, string> = {};
  if (fault.retryAfter) headers['retry-after'] = retryAfterValue(fault.retryAfter, now);
  return { status: fault.http, body: fault.body ?? { error: `simulated HTTP ${fault.http}` }, headers, ...id };
}

export function retryAfterValue(value: PlannedRetryAfter, now: number): string {
  if ('seconds' in value) return String(value.seconds);
  if ('dateInMs' in value) return new Date(now + value.dateInMs).toUTCString();
  return value.raw;
}

export const UNKNOWN_STATUS_VALUE = 'simulated_unknown_status';
export const HUGE_BODY_BYTES = 6 * 1024 * 1024;

/**
 * The provider's 2xx answer with its body spoilt; other answers pass unchanged. `statusField`: where the provider
 * keeps the job's status in its answer (its definition's `simulator.statusField`), for `unknownStatus` and `missingFields`.
 */
export function spoilBody(fault: BodyFault, answer: SimAnswer, statusField: readonly string[] = ['status']): SimAnswer {
  if ('fault' in answer || answer.status < 200 || answer.status > 299 || answer.body === undefined) return answer;
  const body = structuredClone(answer.body) as unknown;
  switch (fault) {
    case 'wrongContentType':
      return { ...answer, contentType: 'text/plain; charset=utf-8' };
    case 'extraFields':
      return isRecord(body) ? { ...answer, body: { ...body, simulated_extra: { note: 'not documented' }, simulated_flag: true } } : answer;
    case 'unknownStatus':
      return { ...answer, body: atPath(body, statusField, (parent, key) => (parent[key] = UNKNOWN_STATUS_VALUE)) };
    case 'missingFields':
      return { ...answer, body: atPath(body, statusField, (parent, key) => delete parent[key]) };
    case 'hugeBody': {
      if (!isRecord(body)) return answer;
      const json = JSON.stringify(body);
      const padding = `"simulated_padding":"${'x'.repeat(HUGE_BODY_BYTES)}"`;
      return { ...answer, raw: `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${padding}}` };
    }
  }
}


function atPath(body: unknown, path: readonly string[], change: (parent: Record<string, unknown>, key: string) => unknown): unknown {
  let parent = body;
  for (const key of path.slice(0, -1)) parent = isRecord(parent) ? parent[key] : undefined;
  if (isRecord(parent)) change(parent, path[path.length - 1]);
  return body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Wire faults that take time or size, played on the response itself.

/** Real milliseconds between two bytes of a trickled body: sockets live in real time, whatever the clock. */
const TRICKLE_BYTE_MS = 25;
const TRICKLE_BODY = `{"status":"processing","note":"${'slow '.repeat(400)}"}`;

/** 200 at once, then one byte every {@link TRICKLE_BYTE_MS} until the body is out or the client hangs up. */
export function playTrickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(TRICKLE_BODY)) });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= TRICKLE_BODY.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(TRICKLE_BODY[sent]);
    sent += 1;
  }, TRICKLE_BYTE_MS);
  res.on('close', () => clearInterval(timer));
}

let hugeJson: Buffer | undefined;

/** 200 with {@link HUGE_BODY_BYTES} of valid JSON that no provider documents. */
export function playHugeBody(res: ServerResponse): void {
  hugeJson ??= Buffer.from(`{"simulated_padding":"${'x'.repeat(HUGE_BODY_BYTES)}"}`);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(hugeJson);
}
