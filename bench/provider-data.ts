/**
 * What the provider-data pass costs per answer (src/core/provider-data.ts): run with
 * `node --import tsx bench/provider-data.ts`. Prints µs per call for typical answers and for hostile ones.
 */
import { boundProviderEvent, hideSecrets, secretForms } from '../src/core/provider-data.js';

const key = 'sk-live-per-0123456789abcdef0123';
const forms = secretForms(key);

const statusBody = JSON.stringify({ job_id: '3f1c2a9e-5b7d-4e0f-9a61-2c8d4b7e1f03', status: 'processing', output_type: 'deck', progress: 0.4 });
const events: Record<string, object> = {
  'status.processing (Perceptis poll)': { type: 'status.processing' },
  'status.completed, 4 signed links': {
    type: 'status.completed',
    progress: 1,
    result: {
      outputType: 'deck',
      downloads: Array.from({ length: 4 }, (_, i) => ({
        url: `https://cdn.example.test/out/${i}.pptx?expires=1767225600&signature=${'ab'.repeat(32)}`,
        format: 'pptx',
        variant: i,
      })),
    },
  },
  'Cata running, 20 log lines, 3 test runs': {
    type: 'status.running.testing',
    progress: 0.6,
    job: {
      hypothesis: 'x'.repeat(4_000),
      testResults: Array.from({ length: 3 }, (_, i) => ({ attempt: i, passed: false, error: 'timeout', outputPreview: 'p'.repeat(200) })),
      retries: 2,
      logs: Array.from({ length: 20 }, (_, i) => ({ stage: 'testing', message: `step ${i} of the pipeline`, timestamp: '2026-01-01T00:00:00Z' })),
      clarification: null,
      humanResponse: null,
    },
  },
  'hostile: 2 MB string': { type: 'status.failed', error: { message: 'm'.repeat(2_000_000) } },
};

function perCall(run: () => unknown): number {
  for (let i = 0; i < 2_000; i++) run();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    for (let i = 0; i < 200; i++) run();
    n += 200;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < 300_000_000n);
  return Number(elapsed) / 1_000 / n;
}

console.log(`hideSecrets on a ${statusBody.length} B status body: ${perCall(() => hideSecrets(statusBody, forms)).toFixed(3)} µs`);
for (const [name, event] of Object.entries(events)) {
  console.log(`boundProviderEvent, ${name}: ${perCall(() => boundProviderEvent(event, forms)).toFixed(3)} µs`);
}
