import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PERCEPTIS_TEST_KEY } from '../../src/providers/perceptis/simulator.js';
import { startSimulator } from '../../src/simulator/server.js';
import type { HubMessage, JobView } from '../../visualizer/protocol.js';
import { pageSocketUrl, upgradeStatus } from '../support/hub.js';
import { runCli, startCli, until } from './run-cli.js';

describe('jobcharts visualize with its per-start tokens, end to end', () => {
  it('prints both URLs with their tokens; submit --inspect streams a job that the page (and only the page URL) sees', { timeout: 60_000 }, async () => {
    const viz = await startCli(['visualize']);
    const sim = await startSimulator({ perceptis: { minPollIntervalMs: 0 } });
    try {
      await until(() => /Ctrl-C to stop/.test(viz.stdout()), 'the visualizer to start', 20_000);
      const pageUrl = /Visualizer at (\S+)/.exec(viz.stdout())![1];
      const inspectUrl = /Jobs stream to (\S+):/.exec(viz.stdout())![1];
      expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
      expect(inspectUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/inspect\?token=[\w-]{32}$/);

      sim.perceptis.scripts.push({ steps: [{ status: 'processing' }, { status: 'completed', variants: 1 }] });
      const job = await runCli(['submit', 'perceptis', '--base-url', sim.url, '--prompt', 'Our year', '--json', '--poll-interval', '20', '--inspect', inspectUrl], {
        PERCEPTIS_API_KEY: PERCEPTIS_TEST_KEY,
      });
      expect(job.code).toBe(0);

      const origin = new URL(pageUrl).origin;
      const withoutToken = pageSocketUrl(pageUrl).replace(/\?token=.*$/, '');
      expect(await upgradeStatus(withoutToken, { Origin: origin })).toBe(401);
      const page = new WebSocket(pageSocketUrl(pageUrl), { origin });
      const jobs: JobView[] = [];
      page.on('message', (data) => {
        const message = JSON.parse(String(data)) as HubMessage;
        if (message.type === 'hello' || message.type === 'update') jobs.push(...message.jobs);
      });
      await until(() => jobs.some((j) => j.provider === 'perceptis' && j.jobId === JSON.parse(job.stdout).jobId), 'the submitted job on the page', 10_000);
      page.close();
    } finally {
      await sim.close();
      viz.child.kill('SIGINT');
    }
    expect((await viz.done).code).toBe(0);
  });
});
