import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { bullmqRunner } from '../../src/bullmq/runner.js';
import { decodeJson, encodeJson } from '../../src/runner/json.js';
import { redisForThisFile } from '../support/redis.js';
import { runnerContract } from './contract.js';

const redis = redisForThisFile();
let tests = 0;

/** Every file under the server's folder (its append-only file holds everything ever written). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

runnerContract('bullmqRunner', async () => {
  const prefix = `contract${++tests}`;
  const client = new Redis(redis().port, '127.0.0.1');
  const jobKey = (id: string) => `${prefix}:jobs:${id}`;
  return {
    runner: (config) => bullmqRunner({ ...config, connection: { host: '127.0.0.1', port: redis().port }, prefix, lockDurationMs: 2_000, stalledIntervalMs: 500 }),
    async dump() {
      const keys = await client.keys('*');
      const values = await Promise.all(
        keys.map(async (key) => {
          const type = await client.type(key);
          if (type === 'string') return client.get(key);
          if (type === 'hash') return JSON.stringify(await client.hgetall(key));
          if (type === 'list') return JSON.stringify(await client.lrange(key, 0, -1));
          if (type === 'zset') return JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES'));
          if (type === 'set') return JSON.stringify(await client.smembers(key));
          if (type === 'stream') return JSON.stringify(await client.xrange(key, '-', '+'));
          return '';
        }),
      );
      await client.bgrewriteaof().catch(() => undefined);
      // Read once the rewrite is over: its temporary files come and go while it runs.
      while (/aof_rewrite_(in_progress|scheduled):1/.test(await client.info('persistence'))) await new Promise((r) => setTimeout(r, 10));
      const files = filesUnder(redis().dir).map((file) => readFileSync(file).toString('latin1'));
      return [...keys, ...values, ...files].join('\n');
    },
    async tamper(id, change) {
      const data = JSON.parse((await client.hget(jobKey(id), 'data'))!) as { job: string };
      const job = decodeJson<{ input: { baseUrl: string }; snapshot: { context: Record<string, unknown> } }>(data.job);
      if (change.baseUrl) job.input.baseUrl = job.snapshot.context.baseUrl = change.baseUrl;
      if (change.schemaVersion) job.snapshot.context.schemaVersion = change.schemaVersion;
      await client.hset(jobKey(id), 'data', JSON.stringify({ ...data, job: encodeJson(job) }));
    },
    async close() {
      await client.quit();
    },
  };
});
