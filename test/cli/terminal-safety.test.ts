import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** What a hostile provider puts in its words: retitle the window, write the clipboard, clear the screen, fake a line. */
const EVIL_ID = 'job-1\x1b]0;pwned-title\x07\x1b]52;c;cm0gLXJmIH4=\x1b\\\x1b[2J\x1b[H';
const EVIL_CODE = '\x1b[32mE42\x1b[0m';
const EVIL_MESSAGE = 'boom\r\x1b[2K\n\u2714 succeeded\x9b2J\u202eelif\x07';
/** Anything a terminal acts on: C0 controls but the line feed, DEL, C1 controls, bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A small Perceptis of the test's own, on 127.0.0.1. */
async function hostilePerceptis(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const key = 'sk-live-per-simulated-business-0001';
const fast = ['--poll-interval', '20', '--timeout', '10000'];

describe('jobcharts on a terminal: provider text is data, never terminal commands', { timeout: 30_000 }, () => {
  it('strips escape sequences and controls from job ids and error messages; --json keeps them, escaped', async () => {
    const url = await hostilePerceptis((req, res) => {
      if (req.method === 'POST') return json(res, 200, { job_id: EVIL_ID });
      json(res, 200, { job_id: EVIL_ID, status: 'failed', error: { code: EVIL_CODE, message: EVIL_MESSAGE } });
    });
    const [words, asJson] = await Promise.all([
      runCli(['submit', 'perceptis', '--base-url', url, '--prompt', 'x', ...fast], { PERCEPTIS_API_KEY: key }),
      runCli(['submit', 'perceptis', '--base-url', url, '--prompt', 'x', '--json', ...fast], { PERCEPTIS_API_KEY: key }),
    ]);

    expect(words.code).toBe(1);
    const printed = words.stdout + words.stderr;
    expect(printed).not.toMatch(TERMINAL_CONTROL);
    // The words are still there, each on the line it belongs to: nothing starts a line of its own.
    expect(words.stdout).toMatch(/^failed \(E42\)  job job-1  in \d+\.\d s\nE42: boom  \u2714 succeededelif\n$/);
    expect(printed.split('\n').some((line) => line.startsWith('\u2714'))).toBe(false);
    expect(words.stderr).toContain('Perceptis job job-1 created');

    expect(asJson.code).toBe(1);
    expect(asJson.stdout + asJson.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ status: 'failed', jobId: EVIL_ID, error: { code: EVIL_CODE, message: EVIL_MESSAGE } });
  });

  it('--json redacts a key holding " and \\ before serialising: neither its raw nor its escaped form is printed', async () => {
    const quotedKey = 'sk-live-per-"quoted"\\back\\slash-0042';
    const url = await hostilePerceptis((req, res) => {
      // A provider that quotes the key it refused, as some do.
      json(res, 401, { error: { code: 'unauthorized', message: `no such key: ${String(req.headers.authorization).replace('Bearer ', '')}` } });
    });
    const [asJson, words] = await Promise.all([
      runCli(['submit', 'perceptis', '--base-url', url, '--prompt', 'x', '--json', ...fast], { PERCEPTIS_API_KEY: quotedKey }),
      runCli(['submit', 'perceptis', '--base-url', url, '--prompt', 'x', ...fast], { PERCEPTIS_API_KEY: quotedKey }),
    ]);

    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ status: 'rejected', error: { kind: 'unauthorized', message: 'no such key: [redacted]' } });
    for (const run of [asJson, words]) {
      const printed = run.stdout + run.stderr;
      expect(printed).not.toContain(quotedKey);
      expect(printed).not.toContain(JSON.stringify(quotedKey).slice(1, -1));
      expect(printed).not.toContain('quoted');
    }
  });
});

describe('jobcharts: secrets on the command line', { timeout: 30_000 }, () => {
  it('--api-key is refused by naming the variable to set, and the key is never echoed', async () => {
    const secret = 'sk-live-per-typed-on-the-command-line-0007';
    const [inline, spaced, elsewhere] = await Promise.all([
      runCli(['submit', 'perceptis', `--api-key=${secret}`, '--prompt', 'x', '--base-url', 'http://127.0.0.1:9']),
      runCli(['watch', 'cata', '12', '--api-key', secret, '--base-url', 'http://127.0.0.1:9']),
      runCli(['demo', `--api-key=${secret}`]),
    ]);
    for (const run of [inline, spaced, elsewhere]) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(inline.stderr).toMatch(/--api-key is not an option .*: set PERCEPTIS_API_KEY instead/);
    expect(spaced.stderr).toMatch(/set CATA_API_KEY instead/);
    expect(elsewhere.stderr).toMatch(/unknown option '--api-key=…' \(API keys are read from the environment/);
  });

  it('a base URL with user:password@ is a usage error (exit 2) at once, not a network error retried until the deadline', async () => {
    const started = Date.now();
    const [flag, env] = await Promise.all([
      runCli(['submit', 'perceptis', '--base-url', 'http://admin:pa55w0rd-secret@127.0.0.1:9', '--prompt', 'x', '--timeout', '20000'], { PERCEPTIS_API_KEY: key }),
      runCli(['watch', 'perceptis', 'j-1', '--timeout', '20000'], { PERCEPTIS_API_KEY: key, PERCEPTIS_BASE_URL: 'http://admin:pa55w0rd-secret@127.0.0.1:9' }),
    ]);
    expect(Date.now() - started).toBeLessThan(15_000);
    for (const run of [flag, env]) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain('pa55w0rd');
    }
    expect(flag.stderr).toMatch(/--base-url must not hold a user name or password/);
    expect(env.stderr).toMatch(/PERCEPTIS_BASE_URL must not hold a user name or password/);
  });

  it('--inspect without the hub\'s token is a usage error, not a job that streams nowhere', async () => {
    const result = await runCli(['submit', 'perceptis', '--base-url', 'http://127.0.0.1:9', '--prompt', 'x', '--inspect', 'ws://127.0.0.1:9/inspect'], { PERCEPTIS_API_KEY: key });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('error: --inspect needs the URL with its token, as `jobcharts visualize` prints it');
  });
});
