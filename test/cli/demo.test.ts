import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { showcase } from '../../src/cli/showcase.js';
import { providerNames } from '../../src/providers/registry.js';
import { startCli, until } from './run-cli.js';

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('jobcharts demo', () => {
  it('--yes --exit (npm run demo, from the sources): every showcase job ends as its story says, in under 60 s', { timeout: 60_000 }, async () => {
    const startedAt = Date.now();
    const run = await startCli(['demo', '--yes', '--exit'], { from: 'sources' });
    run.child.stdin!.end();
    const result = await run.done;
    const seconds = (Date.now() - startedAt) / 1000;

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(seconds).toBeLessThan(60);
    expect(result.stdout).toMatch(/simulated providers at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/Visualizer at http:\/\/127\.0\.0\.1:\d+\//);
    const summary = result.stdout.slice(result.stdout.lastIndexOf('\njob '));
    for (const story of showcase()) {
      const row = summary.split('\n').find((line) => line.startsWith(story.label));
      expect(row, story.label).toBeDefined();
      expect(row).toMatch(new RegExp(`^${escaped(story.label)}\\s+${story.provider}\\s+${story.expect}\\b.*as expected\\s+\\d+\\s+\\d+\\.\\d s$`));
    }
    // Every registered provider shows in the demo (its definition's `showcase`).
    expect(new Set(showcase().map((story) => story.provider))).toEqual(new Set(providerNames()));
    expect(summary).toMatch(new RegExp(`${showcase().length} jobs · \\d+ requests · \\d+\\.\\d s in all`));
    expect(summary).toMatch(new RegExp(`The visualizer received ${showcase().length} jobs`));
    // The questions were answered automatically, and said so.
    expect(result.stdout).toMatch(/\[cata\] asks: .*\n {2}→ answered automatically \(--yes\): /);
    // The payment question shows the offer, its price and the invoice before it is answered.
    expect(result.stdout).toMatch(
      /\[markdown2pdf\] asks you to confirm: payment required: .*\n {2}offer 1: "Markdown to PDF" for 1 USD.*\n {2}invoice for offer 1 \(lightning\): lnbc\S+\n {2}→ answered automatically \(--yes\): yes/,
    );
  });

  it('without --exit, keeps serving the visualizer until Ctrl-C', { timeout: 60_000 }, async () => {
    const run = await startCli(['demo', '--yes']);
    await until(() => /still serving at (http:\S+)/.test(run.stdout()), 'the demo to finish its jobs', 50_000);
    const url = /still serving at (http:\S+)/.exec(run.stdout())![1];

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>jobcharts · visualizer</title>');
    const statsUrl = new URL(url);
    statsUrl.pathname = '/stats.json';
    const stats = (await (await fetch(statsUrl)).json()) as { jobs: number };
    expect(stats.jobs).toBe(showcase().length);

    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('Ctrl-C cancels every job still running, prints the summary and exits 130', { timeout: 60_000 }, async () => {
    const run = await startCli(['demo', '--exit']);
    await until(() => /deck, 429 storm \[perceptis\]\s+pending · backingOff/.test(run.stdout()), 'the 429 storm to begin', 50_000);

    run.child.kill('SIGINT');
    const result = await run.done;

    expect(result.code).toBe(130);
    expect(result.stdout).toContain('Ctrl-C: cancelling every job');
    expect(result.stdout).toMatch(/^deck, 429 storm\s+perceptis\s+cancelled\s+expected succeeded/m);
    expect(result.stdout).toMatch(new RegExp(`${showcase().length} jobs · \\d+ requests`));
  });

  it('keeps its jobs in a localRunner database of its own, in a fresh temporary folder removed at exit (Ctrl-C too)', { timeout: 60_000 }, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'demo-tmp-'));
    try {
      const run = await startCli(['demo', '--exit'], { env: { TMPDIR: tmp } });
      await until(() => /deck, 429 storm \[perceptis\]\s+pending · backingOff/.test(run.stdout()), 'the 429 storm to begin', 50_000);
      const [folder, ...others] = readdirSync(tmp);
      expect(others).toEqual([]);
      expect(folder).toMatch(/^jobcharts-demo-/);
      const db = new Database(join(tmp, folder!, 'jobs.db'), { readonly: true, fileMustExist: true });
      try {
        const rows = db.prepare('SELECT provider FROM jobs').all() as { provider: string }[];
        expect(rows.map((row) => row.provider).sort()).toEqual(showcase().map((story) => story.provider).sort());
      } finally {
        db.close();
      }

      run.child.kill('SIGINT');
      expect((await run.done).code).toBe(130);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
