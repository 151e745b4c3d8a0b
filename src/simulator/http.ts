/** The simulator's side of the wire: what a route sees of a request, and what it answers. */

export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON; `undefined` when empty or not JSON (see `rawBody`). */
  body: unknown;
  rawBody: string;
  /** The simulator's clock, in ms. */
  now: number;
  /** Where the simulator listens, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
}

/** How an answer can go wrong on the wire (scripted faults). */
export type WireFault =
  /** The connection is closed without an answer. */
  | 'reset'
  /** No answer ever comes (the client's time-out must end the wait). */
  | 'hang'
  /** 200 with a body that is not JSON. */
  | 'notJson'
  /** 200 with JSON cut in the middle. */
  | 'truncated'
  /** 502 with an HTML error page, as a proxy would send. */
  | 'html'
  /** 200 at once, then a body dribbled a byte at a time, far slower than any request time-out. */
  | 'trickle'
  /** 200 with several MB of JSON: a client must not buffer it all. */
  | 'hugeBody'
  /** 200 with an empty body. */
  | 'empty';

/**
 * How an answer the provider did give can be spoilt on its way (see `FaultPlan`): the provider handles the request,
 * then its 2xx body is changed. `unknownStatus` and `missingFields` need to know where a provider keeps its status.
 */
export type BodyFault =
  /** The same JSON, labelled `text/plain` (a client should still read valid JSON). */
  | 'wrongContentType'
  /** The same JSON with fields nobody documented (a client must ignore them). */
  | 'extraFields'
  /** The provider's status field holds a value it never documented. */
  | 'unknownStatus'
  /** The provider's status field is missing. */
  | 'missingFields'
  /** The same JSON padded to several MB. */
  | 'hugeBody';

export type SimAnswer =
  | {
      status: number;
      body?: unknown;
      /** A body sent as is instead of JSON. */
      raw?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
      /** The job this request was about, for the request log. */
      jobId?: string | number;
    }
  | { fault: WireFault; jobId?: string | number };

export interface SimRoute {
  provider: string;
  method: 'GET' | 'POST';
  /** Matched against the path; named groups become `params`. */
  pattern: RegExp;
  handle(request: SimRequest): SimAnswer | Promise<SimAnswer>;
}

export const json = (status: number, body: unknown, extra: Partial<Extract<SimAnswer, { status: number }>> = {}): SimAnswer => ({
  status,
  body,
  ...extra,
});

/** Reads one header whatever its case (Node lower-cases them already). */
export function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
