/** A worker process on a bullmq runner, working until killed (the crash tests `kill -9` and SIGSTOP it). */
import { Pipeline, Redis } from 'ioredis';
import { bullmqRunner } from '../../src/bullmq/runner.js';

// SLOW_PUBLISH_MS: a step's view is published this much later (a slow Redis answer), so that a job's next step, due
// at once, starts before the step that scheduled it has returned.
const slowPublish = Number(process.env.SLOW_PUBLISH_MS ?? 0);
if (slowPublish) {
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = async function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
    const queued = (this as unknown as { _queue: { name: string }[] })._queue;
    if (queued.some((command) => command.name === 'publish')) await new Promise((r) => setTimeout(r, slowPublish));
    return exec.apply(this, args);
  } as Pipeline['exec'];
}

// DIE_BEFORE_VIEW_WITH: the process dies (SIGKILL) as it is about to publish a job's view that contains this text
// (e.g. '"status":"done"': a job it has just ended), after the step was stored.
const dieBefore = process.env.DIE_BEFORE_VIEW_WITH;
if (dieBefore) {
  const dieIf = (view: unknown) => String(view).includes(dieBefore) && process.kill(process.pid, 'SIGKILL');
  const exec = Pipeline.prototype.exec;
  Pipeline.prototype.exec = function (this: Pipeline, ...args: Parameters<Pipeline['exec']>) {
    const queued = (this as unknown as { _queue: { name: string; args: unknown[] }[] })._queue;
    for (const command of queued) if (command.name === 'publish') dieIf(command.args[1]);
    return exec.apply(this, args);
  };
  const publish = Redis.prototype.publish;
  Redis.prototype.publish = function (this: Redis, ...args: unknown[]) {
    dieIf(args[1]);
    return (publish as (...a: unknown[]) => unknown).apply(this, args);
  } as Redis['publish'];
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
