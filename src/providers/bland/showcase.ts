/** Bland AI in `jobcharts demo`: a receptionist pathway, not ready three times, then ready. */
import type { ShowcaseStory } from '../define.js';
import type { BlandSim } from './simulator.js';

const pathwayPrompt =
  'A receptionist for a dental clinic: greet the caller, ask whether they are a new or returning patient, ' +
  'offer the next free appointment, and confirm it by text message.';

export const blandShowcase: ShowcaseStory<BlandSim>[] = [
  {
    label: 'receptionist pathway',
    request: { input_prompt: pathwayPrompt, input_name: 'Dental receptionist' },
    expect: 'succeeded',
    script: (sim) =>
      sim.scripts.push(
        { steps: [{ ready: false }, { ready: false }, { ready: false }, { ready: true }] },
        (body) => (body as { input_prompt?: string } | undefined)?.input_prompt === pathwayPrompt,
      ),
  },
];
