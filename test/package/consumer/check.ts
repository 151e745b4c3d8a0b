/**
 * A user's program against the installed tarball, compiled by every consumer project here (ESM, CommonJS, node16,
 * bundler) with `skipLibCheck: false` and run by the ESM and CommonJS ones (see ../run.sh).
 */
import { strict as assert } from 'node:assert';
import { createActor } from 'xstate';
import * as jobcharts from 'jobcharts';
import { blandJob } from 'jobcharts/bland';
import { cataJob } from 'jobcharts/cata';
import { depictaJob } from 'jobcharts/depicta';
import { markdown2pdfJob } from 'jobcharts/markdown2pdf';
import { perceptisJob, settle, type PerceptisOutcome } from 'jobcharts/perceptis';
import { PERCEPTIS_TEST_KEY, startSimulator } from 'jobcharts/simulator';
import { lifecyclePaths } from 'jobcharts/testing';
import { startVisualizer } from 'jobcharts/visualizer';

/** Never called: what must and must not type-check. An unused `@ts-expect-error` fails the compile. */
export function eventsAnAppMaySend(baseUrl: string): void {
  const job = createActor(perceptisJob, { input: { baseUrl, apiKey: 'k', jobId: 'j' } });
  job.send({ type: 'CANCEL' });
  createActor(cataJob, { input: { baseUrl, apiKey: 'k', jobId: 1 } }).send({ type: 'ANSWER', text: 'yes' });
  createActor(markdown2pdfJob, { input: { baseUrl, jobId: 'j' } }).send({ type: 'PAID' });
  // @ts-expect-error a provider's answer comes from the job's own request actors, never from the app
  job.send({ type: 'status.completed', result: { downloads: [] } });
  // @ts-expect-error the poller's own events neither
  createActor(blandJob, { input: { baseUrl, apiKey: 'k', jobId: 'j' } }).send({ type: 'timer.due', at: 0 });
  // @ts-expect-error nor HTTP failures
  createActor(depictaJob, { input: { baseUrl, apiKey: 'k', jobId: 'j' } }).send({ type: 'http.unauthorized', message: 'no' });
}

export async function runChecks(format: string): Promise<void> {
  // One library, whichever entry it is loaded from.
  assert.equal(jobcharts.perceptisJob, perceptisJob, 'jobcharts and jobcharts/perceptis export the same chart');
  assert.equal(jobcharts.settle, settle, 'jobcharts and jobcharts/perceptis export the same settle');
  assert.equal(typeof startVisualizer, 'function');
  assert.ok(lifecyclePaths('perceptis').length > 0);

  const sim = await startSimulator();
  try {
    const target = { provider: 'perceptis', baseUrl: sim.url, apiKey: PERCEPTIS_TEST_KEY };
    // A limit set through the main entry is the one a job from the provider's entry spends.
    jobcharts.setRateLimit(target, { requestsPerSecond: 1_000 });
    const job = createActor(perceptisJob, {
      input: {
        baseUrl: sim.url,
        apiKey: PERCEPTIS_TEST_KEY,
        request: { prompt: 'A deck about statecharts', output_type: 'deck' },
        options: { pollIntervalMs: 10, minDelayMs: 0 },
      },
    }).start();
    const outcome: PerceptisOutcome = await settle(job);
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    if (outcome.status === 'succeeded') assert.ok(Array.isArray(outcome.result.downloads));
    const spent = jobcharts.rateBudgetStats(target);
    assert.ok(spent && spent.granted >= 2, `the job spent the budget set from 'jobcharts': ${JSON.stringify(spent)}`);
  } finally {
    await sim.close();
  }
  console.log(`${format}: one library state across entries; a job ran to succeeded`);
}
