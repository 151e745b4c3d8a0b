import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../bench/bundle-size.js';
import { hostileServer } from './support/hostile-server.js';
import { appWithBuiltPackage, type AppDir } from './support/installed-package.js';

/**
 * The built package (dist/, as `npm install jobcharts` gets it), not the sources: each runtime gets its own default
 * transport. Needs `npm run build` (npm test builds first).
 */
let app: AppDir;
beforeAll(() => {
  app = appWithBuiltPackage();
});
afterAll(() => app.remove());

describe('the built package in a browser bundle', () => {
  it.each(['jobcharts', 'jobcharts/perceptis'])('%s bundles for the browser (esbuild) with the fetch transport and without undici', async (specifier) => {
    const code = `
      import { perceptisJob, settle } from '${specifier}';
      import { createActor } from 'xstate';
      settle(createActor(perceptisJob, { input: { apiKey: 'k', request: { prompt: 'p', output_type: 'deck' } } }).start());
    `;
    // A Node built-in anywhere on the path (undici needs node:buffer, node:net, …) fails the build: it rejects.
    const built = await bundle(code, { source: 'dist', platform: 'browser', appDir: app.dir });
    expect(built.inputs.filter((file) => file.includes('node_modules/undici/'))).toEqual([]);
    expect(built.inputs.filter((file) => /dist\/transport\//.test(file))).toEqual(['dist/transport/default.js']);
    // Node's Buffer is no global in a browser: the bundle must not use it.
    expect(built.code.match(/.{0,40}\bBuffer\b.{0,40}/g)).toBeNull();
  });
});

describe('the built package on Node', () => {
  /** Runs a job from the built package (plain node, no tsx) against a server that notes each request's headers. */
  async function headersSentFrom(format: 'mjs' | 'cjs'): Promise<{ out: string; headers: Record<string, string | string[] | undefined>[] }> {
    const headers: Record<string, string | string[] | undefined>[] = [];
    const server = await hostileServer((request) => {
      headers.push(request.headers);
      return { status: 401, body: { error: 'invalid api key' } };
    });
    const load = format === 'mjs' ? "await import('jobcharts/perceptis')" : "require('jobcharts/perceptis')";
    const script = `
      ${format === 'mjs' ? '' : 'void (async () => {'}
      const { perceptisJob, settle } = ${load};
      const { createActor } = ${format === 'mjs' ? "await import('xstate')" : "require('xstate')"};
      const job = createActor(perceptisJob, { input: { baseUrl: ${JSON.stringify(server.url)}, apiKey: 'k', request: { prompt: 'p', output_type: 'deck' } } }).start();
      console.log((await settle(job)).status);
      ${format === 'mjs' ? '' : '})();'}
    `;
    const file = join(app.dir, `job.${format}`);
    writeFileSync(file, script);
    const child = spawn(process.execPath, [file], { cwd: app.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(0);
    return { out: out.trim(), headers };
  }

  // fetch (Node's global one, or ofetch on it) sends `sec-fetch-mode: cors` and a `user-agent`; undici's
  // `request()` sends only what it is given.
  it.each(['mjs', 'cjs'] as const)('a job run from dist as %s sends its requests through undici', async (format) => {
    const { out, headers } = await headersSentFrom(format);
    expect(out).toBe('rejected');
    expect(headers.length).toBeGreaterThan(0);
    for (const sent of headers) {
      expect(sent['sec-fetch-mode']).toBeUndefined();
      expect(sent['user-agent']).toBeUndefined();
    }
  });
});
