/** A worker process of `npm run bench:scale`: steps jobs until killed, and reports its CPU time when asked. */
import { Pipeline, Redis } from 'ioredis';
import { bullmqRunner } from '../src/bullmq/runner.js';
import { localRunner } from '../src/runner/local.js';
import type { Runner } from '../src/runner/types.js';

// Redis round trips of this process: a command sent alone, or a pipeline (MULTI/EXEC included) sent at once.
let roundTrips = 0;
const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
  if (!(args[1] as { isPipeline?: boolean } | undefined)?.isPipeline) roundTrips += 1;
  return sendCommand.apply(this, args);
};
const exec = Pipeline.prototype.exec;
Pipeline.prototype.exec = function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
  roundTrips += 1;
  return exec.apply(this, args);
};

const { MODE, REDIS_URL, PREFIX, JOBS_FILE, SIM_URL, PERCEPTIS_KEY, CATA_KEY, RATE } = process.env;
const config = {
  apiKeys: { perceptis: PERCEPTIS_KEY, cata: CATA_KEY },
  baseUrls: { perceptis: [SIM_URL!], cata: [SIM_URL!] },
  ...(RATE ? { rateLimits: { perceptis: { requestsPerSecond: Number(RATE) } } } : {}),
};
const runner: Runner =
  MODE === 'local'
    ? localRunner({ ...config, file: JOBS_FILE!, leaseMs: 1_000, pollMs: 50 })
    : bullmqRunner({ ...config, connection: REDIS_URL!, prefix: PREFIX, lockDurationMs: 5_000, stalledIntervalMs: 1_000 });
await runner.work({ concurrency: 50 });
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ cpu: process.cpuUsage(), roundTrips });
});
process.send?.('working');
