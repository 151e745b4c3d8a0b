import { afterEach, describe, expect, it } from 'vitest';
import { CATA_TEST_KEY } from '../../src/providers/cata/simulator.js';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import { runCli, startCli, until } from './run-cli.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A simulator without its own rate limit: the tests poll every 20 ms. */
async function simulator(): Promise<Simulator> {
  sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
  return sim;
}

const key = { PERCEPTIS_API_KEY: PERCEPTIS_TEST_KEY };
const fast = ['--poll-interval', '20'];

describe('jobcharts submit and watch, against the simulator', { timeout: 30_000 }, () => {
  it('submit --json: exit 0, the outcome as JSON on stdout, no key and no URL signature printed', async () => {
    const s = await simulator();
    s.perceptis.scripts.push({ steps: [{ status: 'pending' }, { status: 'processing' }, { status: 'completed', variants: 2 }] });
    const result = await runCli(['submit', 'perceptis', '--base-url', s.url, '--prompt', 'Our year', '--json', ...fast], key);

    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    expect(outcome).toMatchObject({ status: 'succeeded', result: { downloads: [{ format: 'pptx' }, { format: 'pptx' }] } });
    expect(s.requests('perceptis', outcome.jobId).map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
    expect(outcome.result.downloads[0].url).toMatch(/[?&]expires=\d+&signature=<redacted>$/);
    const printed = result.stdout + result.stderr;
    expect(printed).not.toContain(PERCEPTIS_TEST_KEY);
    expect(printed).not.toMatch(/signature=[0-9a-f]{16}/);
  });

  it('a job the provider fails: exit 1, its code and words printed', async () => {
    const s = await simulator();
    s.perceptis.scripts.push({ steps: [{ status: 'failed', error: { code: 'generation_failed', message: 'No slide could be made.' } }] });
    const result = await runCli(['submit', 'perceptis', '--base-url', s.url, '--prompt', 'x', ...fast], key);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^failed \(generation_failed\)  job [0-9a-f-]+  in \d+\.\d s\ngeneration_failed: No slide could be made\.\n$/);
  });

  it('watch attaches to an existing job (exit 0); an unknown job or a refused key is rejected (exit 1)', async () => {
    const s = await simulator();
    const jobId = s.perceptis.addJob({ steps: [{ status: 'processing' }, { status: 'completed' }] });
    const [watched, unknown, refused] = await Promise.all([
      runCli(['watch', 'perceptis', jobId, '--base-url', s.url, '--json', ...fast], key),
      runCli(['watch', 'perceptis', 'no-such-job', '--base-url', s.url, '--json', ...fast], key),
      runCli(['watch', 'perceptis', jobId, '--base-url', s.url, '--json'], { PERCEPTIS_API_KEY: 'sk-live-per-wrong-key-9999' }),
    ]);

    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ status: 'succeeded', jobId });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'rejected', error: { kind: 'notFound', httpStatus: 404 } });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 'rejected', error: { kind: 'unauthorized' } });
    expect(refused.stdout + refused.stderr).not.toContain('sk-live-per-wrong-key-9999');
  });

  it('--file sends the request as written', async () => {
    const s = await simulator();
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'jobcharts-')), 'request.json');
    writeFileSync(file, JSON.stringify({ prompt: 'From a file', output_type: 'deck' }));
    s.perceptis.scripts.push({ steps: [{ status: 'completed' }] });
    const result = await runCli(['submit', 'perceptis', '--base-url', s.url, '--file', file, '--json', ...fast], key);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', result: { outputType: 'deck' } });
  });

  it('Ctrl-C cancels the job: exit 130, and the simulator sees no request after it', async () => {
    const s = await simulator();
    s.perceptis.scripts.push({ steps: [{ status: 'processing' }] });
    const run = await startCli(['submit', 'perceptis', '--base-url', s.url, '--prompt', 'forever', '--json', '--poll-interval', '250'], {
      env: key,
    });
    await until(() => s.requests('perceptis').filter((r) => r.method === 'GET').length >= 2, 'the job to be polling');

    const seenAtCtrlC = s.log.length;
    run.child.kill('SIGINT');
    const result = await run.done;
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(result.code).toBe(130);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'cancelled', jobId: s.log[0].jobId });
    expect(result.stderr).toContain('Ctrl-C: cancelling the job');
    // At most the one request already on its way when Ctrl-C came; none after.
    expect(s.log.length - seenAtCtrlC).toBeLessThanOrEqual(1);
  });

  it("a job that asks a question: --yes answers it; without a terminal and without --yes it is cancelled", async () => {
    const s = await simulator();
    const story = { steps: [{ status: 'running', stage: 'testing' }, { status: 'needs_clarification', question: 'Which field lists the outlets?' }, { status: 'completed', resultScriptId: 7 }] };
    s.cata.scripts.push(story, (body) => (body as { provider?: string }).provider === 'answered');
    s.cata.scripts.push(story, (body) => (body as { provider?: string }).provider === 'unanswered');
    const cata = { CATA_API_KEY: CATA_TEST_KEY };
    const [answered, unanswered] = await Promise.all([
      runCli(['submit', 'cata', '--base-url', s.url, '--prompt', 'answered sync_products', '--yes', '--json', ...fast], cata),
      runCli(['submit', 'cata', '--base-url', s.url, '--prompt', 'unanswered sync_products', '--json', ...fast], cata),
    ]);

    expect(answered.code).toBe(0);
    const outcome = JSON.parse(answered.stdout);
    expect(outcome).toMatchObject({ status: 'succeeded', result: { resultScriptId: 7 } });
    expect(answered.stderr).toMatch(/\[cata\] asks: Which field lists the outlets\?\n {2}→ answered automatically \(--yes\): \S/);
    expect(s.cata.answers(outcome.jobId)).toHaveLength(1);

    expect(unanswered.code).toBe(1);
    expect(JSON.parse(unanswered.stdout)).toMatchObject({ status: 'cancelled' });
    expect(unanswered.stderr).toContain('no terminal to ask at: cancelling (pass --yes to answer automatically)');
  });

  it('--yes never loops: a payment still asked for after PAID cancels the job', async () => {
    const s = await simulator();
    const result = await runCli(['submit', 'markdown2pdf', '--base-url', s.url, '--prompt', '# Unpaid', '--yes', '--json', ...fast]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'cancelled' });
    expect(result.stderr).toContain('asked again after an automatic answer: cancelling instead of answering in a loop');
    expect(s.requests('markdown2pdf').map((r) => `${r.method} ${r.path} ${r.answer}`)).toEqual([
      'POST /v1/markdown 402',
      'POST /l402/payment-request 200', // the invoice shown with the question
      'POST /v1/markdown 402',
      'POST /l402/payment-request 200',
    ]);
  });

  it("a job id of the wrong type (Cata's are integers) is a usage mistake", async () => {
    const result = await runCli(['watch', 'cata', 'abc', '--base-url', 'http://127.0.0.1:9'], { CATA_API_KEY: CATA_TEST_KEY });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("error: 'abc' is not a Cata job id");
  });
});
