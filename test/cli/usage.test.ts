import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, startCli, until } from './run-cli.js';

/** A usage mistake: exit code 2 and exactly one line on stderr, no stack trace. */
function expectOneLineUsageError(result: { code: number | null; stdout: string; stderr: string }, words: RegExp) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(words);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

// Many processes start at once here: on a busy machine that takes a while, hence the long time-out.
describe.concurrent('jobcharts: usage mistakes and help', { timeout: 60_000 }, () => {
  it('an unknown provider is one line and exit code 2', async () => {
    const result = await runCli(['submit', 'nosuch', '--prompt', 'x', '--base-url', 'http://127.0.0.1:9']);
    expectOneLineUsageError(result, /unknown provider 'nosuch': choose one of .*perceptis/);
  });

  it('a missing key names the variable to set, without a stack trace', async () => {
    const result = await runCli(['submit', 'perceptis', '--prompt', 'x', '--base-url', 'http://127.0.0.1:9']);
    expectOneLineUsageError(result, /missing API key for perceptis: set PERCEPTIS_API_KEY/);
  });

  it('a bad flag, a bad flag value, a missing argument and no command at all are usage mistakes', async () => {
    const [badFlag, badValue, missing, unknown, nothing] = await Promise.all([
      runCli(['submit', 'perceptis', '--bogus']),
      runCli(['watch', 'perceptis', 'abc', '--poll-interval', 'soon']),
      runCli(['watch', 'perceptis']),
      runCli(['frobnicate']),
      runCli([]),
    ]);
    expectOneLineUsageError(badFlag, /unknown option '--bogus'/);
    expectOneLineUsageError(badValue, /poll-interval.*invalid/);
    expectOneLineUsageError(missing, /missing required argument 'jobId'/);
    expectOneLineUsageError(unknown, /unknown command 'frobnicate'/);
    expect(nothing.code).toBe(2);
  });

  it('submit needs a base URL, and exactly one of --prompt and --file', async () => {
    const key = { PERCEPTIS_API_KEY: 'sk-live-per-simulated-business-0001' };
    const [noUrl, noRequest, notHttp, noFile] = await Promise.all([
      runCli(['submit', 'perceptis', '--prompt', 'x'], key),
      runCli(['submit', 'perceptis', '--base-url', 'http://127.0.0.1:9'], key),
      runCli(['submit', 'perceptis', '--base-url', 'ftp://127.0.0.1', '--prompt', 'x'], key),
      runCli(['submit', 'perceptis', '--base-url', 'http://127.0.0.1:9', '--file', 'no/such/request.json'], key),
    ]);
    expectOneLineUsageError(noUrl, /pass --base-url or set PERCEPTIS_BASE_URL/);
    expectOneLineUsageError(noRequest, /either --prompt or --file/);
    expectOneLineUsageError(notHttp, /--base-url must be an http\(s\) URL/);
    expectOneLineUsageError(noFile, /cannot read no\/such\/request.json: ENOENT/);
  });

  it('--help works on every command, with exit code 0', async () => {
    const commands = [[], ['demo'], ['submit'], ['watch'], ['simulate'], ['visualize'], ['paths']];
    const results = await Promise.all(commands.map((command) => runCli([...command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code, commands[i].join(' ')).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: jobcharts ${commands[i].join(' ')}`));
      // Each default said once: "(default: any free port)", not followed by commander's "(default: 0)".
      expect(result.stdout.replace(/\s+/g, ' ')).not.toMatch(/\(default:[^)]*\) \(default:/);
    });
    expect(results[4].stdout.replace(/\s+/g, ' ')).toMatch(/--port <n> port to listen on \(default: any free port\)/);
  });

  it('--version prints the package version, with exit code 0', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });
});

describe('jobcharts simulate and visualize', { timeout: 30_000 }, () => {
  it('simulate prints the URL and the test keys, serves the providers, and stops on Ctrl-C', async () => {
    const run = await startCli(['simulate']);
    await until(() => /Ctrl-C to stop/.test(run.stdout()), 'the simulator to start');
    const url = /Simulated providers at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())![1];
    expect(run.stdout()).toMatch(/perceptis\s+PERCEPTIS_API_KEY=sk-live-per-simulated-business-0001/);
    expect(run.stdout()).toMatch(/markdown2pdf\s+no key needed/);

    const answer = await fetch(`${url}/api/v1/status/nope`, { headers: { authorization: 'Bearer sk-live-per-simulated-business-0001' } });
    expect(answer.status).toBe(404);

    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });

  it('visualize prints the page and the producer URL, and stops on Ctrl-C', async () => {
    const run = await startCli(['visualize']);
    await until(() => /Ctrl-C to stop/.test(run.stdout()), 'the visualizer to start');
    const url = /Visualizer at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stdout())![1];
    expect(run.stdout()).toMatch(/Jobs stream to ws:\/\/127\.0\.0\.1:\d+\/inspect/);
    expect((await fetch(url)).status).toBe(200);

    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });

  it('a port already taken is one line and exit code 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const [sim, vis] = await Promise.all([runCli(['simulate', '--port', port]), runCli(['visualize', '--port', port])]);
    blocker.close();
    expectOneLineUsageError(sim, /cannot start the simulator: the port is in use/);
    expectOneLineUsageError(vis, /cannot start the visualizer: the port is in use/);
  });
});

const built = existsSync(join(repoRoot, 'dist', 'cli.js'));

describe('bin/jobcharts.js (the installed command)', () => {
  it.skipIf(!built)('runs the built dist/cli.js', { timeout: 30_000 }, async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ['bin/jobcharts.js', 'submit', '--help'], { cwd: repoRoot }, (error, stdout) =>
        resolve({ code: error ? (error.code as number) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: jobcharts submit/);
  });
});
