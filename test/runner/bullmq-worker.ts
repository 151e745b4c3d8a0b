/** A worker process on a bullmq runner, working until killed (the crash tests `kill -9` and SIGSTOP it). */
import { Pipeline } from 'ioredis';
import { bullmqRunner } from '../../src/bullmq/runner.js';

// DIE_BEFORE_END_VIEW: the process dies (SIGKILL) as it is about to publish the view of a job it has just ended.
if (process.env.DIE_BEFORE_END_VIEW) {
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
    const queued = (this as unknown as { _queue: { name: string; args: unknown[] }[] })._queue;
    if (queued.some((c) => c.name === 'publish' && String(c.args[1]).includes('"status":"done"'))) process.kill(process.pid, 'SIGKILL');
    return exec.apply(this, args);
  };
}

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
