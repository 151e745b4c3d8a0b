import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { utf8, type AnswerHeaders, type HttpAnswer, type HttpTransport } from './types.js';

export interface UndiciTransportOptions {
  /**
   * How long an idle connection is kept for the next request (default 60 s: longer than any default poll
   * interval, so a job does not reconnect for every poll). A server that announces a shorter `Keep-Alive: timeout`
   * is believed (less a second), as it will close the connection then; a longer one is cut to this.
   */
  keepAliveTimeoutMs?: number;
  /** At most this many connections to one origin (default 64); more requests at once wait for a free one. */
  connectionsPerOrigin?: number;
}

export interface UndiciTransport extends HttpTransport {
  /** Closes the pool's connections (idle ones never keep the process alive; this is for tests and shutdown). */
  close(): Promise<void>;
}

/**
 * The transport on undici's `request()` API, the default on Node: a keep-alive pool per origin. It costs about a
 * third of global `fetch`'s CPU per request (no WHATWG Request/Response/streams per request). Idle connections
 * do not keep the process alive: undici unrefs a socket with nothing in flight.
 */
export function undiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 60_000;
  const agent = new Agent({
    keepAliveTimeout,
    keepAliveMaxTimeout: keepAliveTimeout,
    connections: options.connectionsPerOrigin ?? 64,
    // Redirects are answers, never followed (undici's default, said here because it matters).
    maxRedirections: 0,
  });
  const send: HttpTransport = async (request) => {
    const { origin, path } = splitUrl(request.url);
    const response = await agent.request({
      origin,
      path,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    const body = await readCapped(response.body, request.maxBodyBytes);
    return answer(response.statusCode, response.headers, body);
  };
  return Object.assign(send, { close: () => agent.close() });
}

/** `http://host:port` and `/path?query` of an absolute URL, without building a `URL` per request. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

function answer(status: number, headers: Record<string, string | string[] | undefined>, body: { text: string; bodyTooLarge?: true }): HttpAnswer {
  const result: HttpAnswer = { status, headers: new RawHeaders(headers), text: body.text };
  if (body.bodyTooLarge) result.bodyTooLarge = true;
  return result;
}

/** undici's header record (names in lower case) read as `Headers.get` reads. */
class RawHeaders implements AnswerHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** Reads a body as UTF-8 text, up to `maxBytes`; a longer body is cut there and the connection dropped. */
function readCapped(body: Readable, maxBytes: number): Promise<{ text: string; bodyTooLarge?: true }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        chunks.push(chunk.subarray(0, chunk.byteLength - (size - maxBytes)));
        body.destroy();
        resolve({ text: utf8(chunks, maxBytes), bodyTooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve({ text: utf8(chunks, size) }));
    body.on('error', reject);
  });
}
