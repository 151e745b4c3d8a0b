/**
 * What redacting one producer frame costs the visualizer's hub, for a producer that taught it no secret and for
 * one that tried to teach it 1,000 (issue 13: nothing a frame says can make the hub do unbounded work). Run with
 * `node --import tsx bench/hub-redact.ts`. Prints ms per frame, through the hub's own receive path.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { Hub } from '../visualizer/hub.js';

const hub = new Hub({ charts: [] });
function producer() {
  const socket = Object.assign(new EventEmitter(), { terminate() {} });
  hub.addProducer(socket as unknown as WebSocket);
  return (frame: Buffer) => socket.emit('message', frame, false);
}
const text = (frame: object) => Buffer.from(JSON.stringify(frame));
const startJob = (send: (frame: Buffer) => unknown, sessionId: string, input: object) => {
  send(text({ type: '@xstate.actor', sessionId, definition: JSON.stringify({ id: 'perceptis' }), snapshot: { status: 'active', value: 'starting', context: {} } }));
  send(text({ type: '@xstate.event', sessionId, event: { type: 'xstate.init', input } }));
};
const keys = (from: number, count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`account${from + i}`, { apiKey: `secret-${String(from + i).padStart(6, '0')}` }]));

const plain = producer();
startJob(plain, 'x:0', {});
// The hostile try: one job whose input holds 1,000 keys, then 125 jobs of 8.
const taught = producer();
startJob(taught, 'x:0', keys(0, 1_000));
for (let job = 1; job <= 125; job++) startJob(taught, `x:${job}`, keys(job * 8, 8));

const snapshot = (context: object) => text({ type: '@xstate.snapshot', sessionId: 'x:0', snapshot: { status: 'active', value: 'polling', context } });
const frames: Record<string, Buffer> = {
  '60,000 short strings': snapshot({ items: Array.from({ length: 60_000 }, (_, i) => `item ${i}`) }),
  '600 strings of 1,000 chars': snapshot({ items: Array.from({ length: 600 }, (_, i) => `${i} `.padEnd(1_000, 'secret-')) }),
  'a typical poll snapshot': snapshot({ jobId: '3f1c2a9e-5b7d', progress: 0.4, requests: 3 }),
};

function msPerFrame(send: (frame: Buffer) => unknown, frame: Buffer): number {
  const runs = frame.length < 10_000 ? 2_000 : 10;
  for (let i = 0; i < Math.min(runs, 3); i++) send(frame);
  const start = performance.now();
  for (let i = 0; i < runs; i++) send(frame);
  return (performance.now() - start) / runs;
}

const ms = (n: number) => `${n.toFixed(n < 1 ? 3 : 1)} ms`.padStart(10);
console.log(`${'frame'.padEnd(28)} ${'size'.padStart(8)} ${'no secret'.padStart(10)} ${'1,000 tried'.padStart(12)}`);
for (const [name, frame] of Object.entries(frames)) {
  console.log(`${name.padEnd(28)} ${`${(frame.length / 1e6).toFixed(2)} MB`.padStart(8)} ${ms(msPerFrame(plain, frame))} ${ms(msPerFrame(taught, frame)).padStart(12)}`);
}
// Each new secret rebuilds the producer's matcher (once, on its next string): a job input of 8 new 128-character keys,
// followed by a small snapshot, with 64 secrets kept.
const longKey = (n: number) => `k${n}-`.padEnd(128, 'x');
const teachRuns = 200;
const inputs = Array.from({ length: teachRuns }, (_, run) =>
  text({ type: '@xstate.event', sessionId: 'x:0', event: { type: 'xstate.init', input: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`a${i}`, { apiKey: longKey(run * 8 + i) }])) } }),
);
const small = frames['a typical poll snapshot']!;
const start = performance.now();
for (const input of inputs) {
  taught(input);
  taught(small);
}
console.log(`${'8 new keys, then a snapshot'.padEnd(28)} ${`${(inputs[0]!.length / 1e3).toFixed(1)} KB`.padStart(8)} ${''.padStart(10)} ${ms((performance.now() - start) / teachRuns).padStart(12)}`);
hub.close();
