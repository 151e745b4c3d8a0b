/**
 * The transport: the one way every request of every job goes out. `sendRequest` (http.ts) decides what is sent,
 * times it out and classifies what went wrong; a transport only moves bytes. See docs/performance.md.
 */

/** The headers of an answer: what a client reads of them. The web `Headers` is one. */
export interface AnswerHeaders {
  /** The header's value (several joined with `, `), or `null`; `name` in any case. */
  get(name: string): string | null;
}

/** A response as it came off the wire: the body is kept as text so an unreadable body is an outcome, not a throw. */
export interface HttpAnswer {
  status: number;
  headers: AnswerHeaders;
  text: string;
  /** The body was longer than {@link TransportRequest.maxBodyBytes}: `text` holds only its start, the rest was never read. */
  bodyTooLarge?: true;
}

/** One request as a transport sends it: everything decided, the body already text. */
export interface TransportRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /**
   * Aborted when the request times out or its job is cancelled: the transport then stops at once, also while it
   * reads the body, and rejects.
   */
  signal: AbortSignal;
  /** Read at most this many bytes of the body; past that, drop the connection and mark the answer `bodyTooLarge`. */
  maxBodyBytes: number;
}

/**
 * Sends one request and reads its answer, whatever its status. Never follows a redirect (a 3xx is an answer: a
 * redirect would carry auth headers such as X-Api-Key to another host). Rejects on a network failure (an error
 * whose `code`, or whose cause's, names it: only that code is reported, never the message) and when `signal`
 * is aborted.
 */
export type HttpTransport = (request: TransportRequest) => Promise<HttpAnswer>;

/**
 * One decoder for every body (making one per request costs more than reading a small body): a body is decoded
 * whole, not streamed, so the decoder keeps no state from one call to the next.
 */
const decoder = new TextDecoder();

/** Body chunks as UTF-8 text (a character cut by the cap becomes U+FFFD). */
export function utf8(chunks: Uint8Array[], size: number): string {
  if (chunks.length === 0) return '';
  return decoder.decode(chunks.length === 1 ? chunks[0] : joined(chunks, size));
}

/** The chunks as one array, without Node's `Buffer`: the fetch transport runs in browsers and edge runtimes too. */
function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}
