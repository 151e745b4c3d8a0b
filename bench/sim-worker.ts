/**
 * The simulated providers in a worker thread of the bench's process: the main thread's event loop and busy time
 * are then the client's alone. Answers the main thread's calls (`{ id, type, ... }` → `{ id, result }`).
 */
import { parentPort } from 'node:worker_threads';
import type { KeyLimit } from '../src/simulator/ratelimit.js';
import { startSimulator } from '../src/simulator/server.js';

type Call =
  | { id: number; type: 'scripts'; provider: 'perceptis' | 'depicta'; count: number; script: never }
  | { id: number; type: 'keyLimit'; provider: string; limit: KeyLimit | null }
  | { id: number; type: 'drain' }
  | { id: number; type: 'close' };

/** What the bench reads of the request log: per request its time, provider, method, answer and job. */
export interface LogRow {
  at: number;
  provider: string;
  method: string;
  answer: number | string;
  jobId?: string | number;
}

// Per-job polling limits of the simulated providers are off: the bench polls every few milliseconds on purpose.
const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 }, depicta: { maxConcurrent: Number.MAX_SAFE_INTEGER } });
parentPort!.postMessage({ id: 0, result: sim.url });

parentPort!.on('message', async (call: Call) => {
  switch (call.type) {
    case 'scripts':
      for (let i = 0; i < call.count; i++) sim[call.provider].scripts.push(call.script);
      return parentPort!.postMessage({ id: call.id, result: null });
    case 'keyLimit':
      sim.keyLimits.set(call.provider, call.limit);
      return parentPort!.postMessage({ id: call.id, result: null });
    case 'drain': {
      const rows: LogRow[] = sim.log.splice(0).map((e) => ({ at: e.at, provider: e.provider, method: e.method, answer: e.answer, jobId: e.jobId }));
      return parentPort!.postMessage({ id: call.id, result: rows });
    }
    case 'close':
      await sim.close();
      parentPort!.postMessage({ id: call.id, result: null });
      return process.exit(0);
  }
});
