/** A process that works a local runner's jobs until killed (the crash tests `kill -9` it). */
import { localRunner } from '../../src/runner/local.js';

const { JOBS_FILE, SIM_URL, PERCEPTIS_KEY, CATA_KEY, LEASE_MS, CATA_RATE } = process.env;
const runner = localRunner({
  file: JOBS_FILE!,
  apiKeys: { perceptis: PERCEPTIS_KEY, cata: CATA_KEY },
  baseUrls: { perceptis: [SIM_URL!], cata: [SIM_URL!] },
  leaseMs: Number(LEASE_MS ?? 300),
  pollMs: 20,
  ...(CATA_RATE ? { rateLimits: { cata: { requestsPerSecond: Number(CATA_RATE) } } } : {}),
});
await runner.work({ concurrency: 8 });
process.send?.('working');
