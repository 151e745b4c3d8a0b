/**
 * The default transport where undici is not used (browsers, edge runtimes): `fetch`. package.json's `imports`
 * maps `#default-transport` here for every runtime but Node, so such a bundle never pulls in undici.
 */
import { fetchTransport } from './fetch.js';
import type { HttpTransport } from './types.js';

export const defaultTransport = (): HttpTransport => fetchTransport;
