/**
 * `inspect()`'s `stop()` ends its connection for good: a process that stops its inspector at once, before the
 * socket has opened, exits (it used to reconnect every 5 s forever), whether the hub is there or not.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closedAfterEach, testVisualizer, until, watchPage } from './support/hub.js';

const open = closedAfterEach();
const helper = fileURLToPath(new URL('../src/inspect/index.ts', import.meta.url));

/** Runs a Node process that starts one actor with `inspect({ url })`, stops both (at once, or after `afterMs`); ms from `stop()` to exit. */
async function stopAtOnce(url: string, afterMs = 0): Promise<{ code: number | null; msAfterStop: number | null; output: string }> {
  const script = `
    const { createActor, createMachine } = await import('xstate');
    const { inspect } = await import(${JSON.stringify(helper)});
    const inspector = inspect({ url: ${JSON.stringify(url)} });
    const actor = createActor(createMachine({ id: 'stopped-at-once', initial: 'idle', states: { idle: {} } }), { inspect: inspector }).start();
    actor.stop();
    if (${afterMs} > 0) await new Promise((resolve) => setTimeout(resolve, ${afterMs}));
    inspector.stop();
    console.log('stopped');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stoppedAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    output += d;
    stoppedAt ??= output.includes('stopped') ? Date.now() : null;
  });
  child.stderr.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill(), 10_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, msAfterStop: stoppedAt === null ? null : Date.now() - stoppedAt, output });
    });
  });
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('inspect().stop() before the socket has opened', () => {
  it('lets the process exit, and what was inspected before stop() still reaches the hub', async () => {
    const viz = await testVisualizer(open);
    const page = await watchPage(viz, open);
    const run = await stopAtOnce(viz.inspectUrl);
    expect(run, run.output).toMatchObject({ code: 0 });
    // The reconnect loop waited 5 s between tries; "a couple of seconds" leaves room for a loaded machine.
    expect(run.msAfterStop).toBeLessThan(3_000);
    console.log(`exited ${run.msAfterStop} ms after stop(), hub listening`);
    await until(() => page.jobs().find((j) => j.provider === 'stopped-at-once'), 'the job inspected before stop()');
  }, 20_000);

  it('lets the process exit when the hub is unreachable', async () => {
    const run = await stopAtOnce(`ws://127.0.0.1:${await closedPort()}/inspect?token=unreachable`);
    expect(run, run.output).toMatchObject({ code: 0 });
    expect(run.msAfterStop).toBeLessThan(3_000);
    console.log(`exited ${run.msAfterStop} ms after stop(), hub unreachable`);
  }, 20_000);

  it('lets the process exit when stopped while waiting to reconnect to an unreachable hub', async () => {
    const run = await stopAtOnce(`ws://127.0.0.1:${await closedPort()}/inspect?token=unreachable`, 500);
    expect(run, run.output).toMatchObject({ code: 0 });
    expect(run.msAfterStop).toBeLessThan(3_000);
  }, 20_000);
});
