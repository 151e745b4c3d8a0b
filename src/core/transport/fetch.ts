import { utf8, type HttpTransport } from './types.js';

/** ofetch (with, on Node, its fetch polyfill) loads at the first request, not when the package is imported. */
let client: Promise<typeof import('ofetch')> | undefined;

/**
 * The transport on `fetch` (through ofetch), for runtimes without undici's `request()` API (browsers, edge,
 * Deno, Bun). Redirects are answers (`redirect: 'manual'`); the body is read up to the cap.
 */
export const fetchTransport: HttpTransport = async (request) => {
  const { ofetch } = await (client ??= import('ofetch'));
  const response = await ofetch.raw(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    responseType: 'stream',
    ignoreResponseError: true,
    retry: false,
    redirect: 'manual',
    signal: request.signal,
  });
  const body = await readCapped(response._data as ReadableStream<Uint8Array> | null | undefined, request.maxBodyBytes);
  return { status: response.status, headers: response.headers, ...body };
};

/** Reads a body as UTF-8 text, up to `maxBytes`; a longer body is cut there and the rest is never read. */
async function readCapped(
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<{ text: string; bodyTooLarge?: true }> {
  if (!stream) return { text: '' };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: utf8(chunks, size) };
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      chunks.push(value.subarray(0, value.byteLength - (size - maxBytes)));
      return { text: utf8(chunks, maxBytes), bodyTooLarge: true };
    }
    chunks.push(value);
  }
}
