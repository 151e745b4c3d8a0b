import { describe, expect, it } from 'vitest';
import { showcase } from '../../src/cli/showcase.js';
import { startCli } from './run-cli.js';

describe('jobcharts demo --yes --exit (npm run demo, from the sources)', () => {
  it('runs every showcase job to the end its story says, and prints the summary, in under 60 s', { timeout: 60_000 }, async () => {
    const startedAt = Date.now();
    const run = await startCli(['demo', '--yes', '--exit'], { from: 'sources' });
    run.child.stdin!.end();
    const result = await run.done;
    const seconds = (Date.now() - startedAt) / 1000;

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(seconds).toBeLessThan(60);
    expect(result.stdout).toMatch(/simulated providers at http:\/\/127\.0\.0\.1:\d+/);
    const summary = result.stdout.slice(result.stdout.lastIndexOf('job '));
    for (const story of showcase()) {
      const row = summary.split('\n').find((line) => line.startsWith(story.label));
      expect(row, story.label).toBeDefined();
      expect(row).toMatch(new RegExp(`^${story.label}\\s+${story.provider}\\s+${story.expect}\\b.*as expected\\s+\\d+\\s+\\d+\\.\\d s$`));
    }
    expect(summary).toMatch(new RegExp(`${showcase().length} jobs · \\d+ requests · \\d+\\.\\d s in all`));
  });
});
