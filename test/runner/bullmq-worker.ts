/** A worker process on a bullmq runner, working until killed (the crash tests `kill -9` and SIGSTOP it). */
import { bullmqRunner } from '../../src/bullmq/runner.js';

const { REDIS_URL, PREFIX, SIM_URL, PERCEPTIS_KEY, CATA_KEY, CATA_RATE } = process.env;
const runner = bullmqRunner({
  connection: REDIS_URL!,
  prefix: PREFIX,
  apiKeys: { perceptis: PERCEPTIS_KEY, cata: CATA_KEY },
  baseUrls: { perceptis: [SIM_URL!], cata: [SIM_URL!] },
  lockDurationMs: 1_000,
  stalledIntervalMs: 300,
  ...(CATA_RATE ? { rateLimits: { cata: { requestsPerSecond: Number(CATA_RATE) } } } : {}),
});
await runner.work({ concurrency: 8 });
process.send?.('working');
