/** Cata in `jobcharts demo`: an adapter script through its stages, with one question for a person. */
import type { ShowcaseStory } from '../define.js';
import type { CataSim } from './simulator.js';

export const cataShowcase: ShowcaseStory<CataSim>[] = [
  {
    label: 'script, 1 question',
    request: { provider: 'lightspeed', topic: 'list_remote_outlets' },
    expect: 'succeeded',
    automaticAnswer: 'The outlets are in `data.locations`; each one has an `id` and a `name`.',
    script: (sim) =>
      sim.scripts.push(
        {
          steps: [
            { status: 'pending' },
            { status: 'running', stage: 'gathering' },
            { status: 'running', stage: 'generating' },
            { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
            { status: 'running', stage: 'retrying' },
            { status: 'running', stage: 'testing', test: { passed: false, error: 'Expected an array of outlets, got object' } },
            {
              status: 'needs_clarification',
              question: 'The sample response has no `outlets` array. Which field of the response lists the outlets?',
            },
            { status: 'running', stage: 'generating' },
            { status: 'running', stage: 'testing', test: { passed: true, outputCount: 8 } },
            { status: 'running', stage: 'done' },
            { status: 'completed', resultScriptId: 4711 },
          ],
        },
        (body) => (body as { topic?: string } | undefined)?.topic === 'list_remote_outlets',
      ),
  },
];
