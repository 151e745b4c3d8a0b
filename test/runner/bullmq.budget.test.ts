import { expect, it } from 'vitest';
import { bullmqRunner } from '../../src/bullmq/runner.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { Runner } from '../../src/runner/types.js';
import { redisForThisFile } from '../support/redis.js';

const redis = redisForThisFile();

it('bullmqRunner: three workers spend one rate budget per key, held in Redis: no 429 at the limit', async () => {
  const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 }, keyLimits: { perceptis: { requestsPerSecond: 25 } } });
  const runners: Runner[] = [];
  try {
    const config = {
      connection: redis().url,
      prefix: 'budget',
      apiKeys: { perceptis: PERCEPTIS_TEST_KEY },
      baseUrls: { perceptis: [sim.url] },
      rateLimits: { perceptis: { requestsPerSecond: 25 } },
    };
    for (let i = 0; i < 3; i++) runners.push(bullmqRunner(config));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      sim.perceptis.scripts.push({ steps: [...Array(4).fill({ status: 'processing' }), { status: 'completed' }] } as never);
      const options = { pollIntervalMs: 5, pollGrowth: 1, minDelayMs: 0, jitter: 0 };
      ids.push(await runners[0].submit('perceptis', { baseUrl: sim.url, request: { prompt: `deck ${i}`, output_type: 'single_slide' }, options }));
    }
    await Promise.all(runners.map((r) => r.work({ concurrency: 6 })));
    const outcomes = await Promise.all(ids.map((id) => runners[0].outcome(id)));
    expect(outcomes.map((o) => o.status)).toEqual(ids.map(() => 'succeeded'));
    const answers = sim.requests('perceptis').map((r) => r.answer);
    expect(answers.filter((a) => a === 429)).toEqual([]);
    // 72 requests at 25 per second take close to 3 s (arrivals bunch a little under load): the budget made them wait.
    const times = sim.requests('perceptis').map((r) => r.at);
    expect(times.at(-1)! - times[0]).toBeGreaterThan(((answers.length - 1) / 25) * 1000 * 0.8);
  } finally {
    await Promise.all(runners.map((r) => r.close()));
    await sim.close();
  }
}, 30_000);
