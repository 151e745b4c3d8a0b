/** A process that works a local runner's jobs until killed (the crash tests `kill -9` it). */
import { localRunner } from '../../src/runner/local.js';

const { JOBS_FILE, SIM_URL, PERCEPTIS_KEY, LEASE_MS } = process.env;
const runner = localRunner({
  file: JOBS_FILE!,
  apiKeys: { perceptis: PERCEPTIS_KEY },
  baseUrls: { perceptis: [SIM_URL!] },
  leaseMs: Number(LEASE_MS ?? 300),
  pollMs: 20,
});
await runner.work({ concurrency: 8 });
process.send?.('working');
