/**
 * The default transport on Node (package.json's `imports` maps `#default-transport` here under the `node`
 * condition): undici's `request()`, one keep-alive pool per origin for the whole process. Runtimes that also
 * match `node` but are not Node (Bun, Deno) keep `fetch`.
 */
import { fetchTransport } from './fetch.js';
import type { HttpTransport } from './types.js';
import { undiciTransport } from './undici.js';

const isNode = typeof process === 'object' && process.release?.name === 'node' && !('Bun' in globalThis) && !('Deno' in globalThis);

let shared: HttpTransport | undefined;

export const defaultTransport = (): HttpTransport => (shared ??= isNode ? undiciTransport() : fetchTransport);
