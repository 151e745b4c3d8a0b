/** `jobcharts/undici`: the Node transport on undici's `request()`, for a pool with settings of your own (docs/performance.md). */
export { undiciTransport, type UndiciTransport, type UndiciTransportOptions } from './core/transport/undici.js';
