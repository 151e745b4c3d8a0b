import { expect, it } from 'vitest';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { startSimulator } from '../../src/simulator/server.js';
import { runCli, startCli, until } from '../cli/run-cli.js';
import { redisForThisFile } from '../support/redis.js';

const redis = redisForThisFile();

it('jobcharts worker / submit / watch / answer --redis: a Cata job submitted, answered and followed from separate shells', async () => {
  const sim = await startSimulator();
  const env = { CATA_API_KEY: CATA_TEST_KEY, CATA_BASE_URL: sim.url };
  const worker = await startCli(['worker', '--redis', redis().url, '--concurrency', '4'], { env });
  try {
    sim.cata.scripts.push({ steps: [{ status: 'pending' }, { status: 'needs_clarification', question: 'Which\u001b[31m field?' }, { status: 'completed', resultScriptId: 4 }] });
    const submitted = await runCli(['submit', 'cata', '--prompt', 'grabfood list_remote_outlets', '--poll-interval', '5', '--redis', redis().url], env);
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const watch = await startCli(['watch', 'cata', id, '--redis', redis().url]);
    await until(() => watch.stdout().includes('waiting for a person'), 'the question');
    expect(watch.stdout()).toMatch(/waiting for a person: Which .*field\?/);
    expect(watch.stdout()).not.toContain('\u001b');
    const answered = await runCli(['answer', id, 'data.locations', '--redis', redis().url]);
    expect(answered.code).toBe(0);
    const watched = await watch.done;
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`${id} ended succeeded`);
    expect(sim.cata.answersReceived.map((a) => a.response)).toEqual(['data.locations']);
    expect(watched.stdout + submitted.stdout + worker.stdout() + worker.stderr()).not.toContain(CATA_TEST_KEY);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.done;
    await sim.close();
  }
}, 60_000);
