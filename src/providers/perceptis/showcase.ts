/** Perceptis in `jobcharts demo`: a deck through a 429 storm, a slide that fails, a deck cancelled. */
import type { ShowcaseStory } from '../define.js';
import type { ScriptStep } from '../../simulator/script.js';
import type { PerceptisSim, PerceptisStatusStep } from './simulator.js';

const retryAfter1s = { http: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limit_exceeded', message: 'Polling too quickly. Use Retry-After and back off.' } } };

/** A story whose request is its prompt; the simulator plays `steps` for it. */
function story(
  label: string,
  request: { prompt: string; output_type: 'deck' | 'single_slide' },
  steps: ScriptStep<PerceptisStatusStep>[],
  rest: Pick<ShowcaseStory, 'expect' | 'cancelAfterMs'>,
): ShowcaseStory<PerceptisSim> {
  return { label, request, ...rest, script: (sim) => sim.scripts.push({ steps }, (body) => (body as { prompt?: unknown } | undefined)?.prompt === request.prompt) };
}

export const perceptisShowcase: ShowcaseStory<PerceptisSim>[] = [
  story(
    'deck, 429 storm',
    { prompt: 'Quarterly review, ten slides', output_type: 'deck' },
    [
      { status: 'pending' },
      retryAfter1s,
      retryAfter1s,
      retryAfter1s,
      { status: 'processing' },
      { status: 'processing' },
      { status: 'completed', variants: 2 },
    ],
    { expect: 'succeeded' },
  ),
  story(
    'slide that fails',
    { prompt: 'One slide in a template that breaks', output_type: 'single_slide' },
    [
      { status: 'pending' },
      { status: 'processing' },
      { status: 'processing' },
      { status: 'failed', error: { code: 'generation_failed', message: 'The template could not hold this content.' } },
    ],
    { expect: 'failed' },
  ),
  story(
    'deck, cancelled',
    { prompt: 'A deck nobody needs any more', output_type: 'deck' },
    [{ status: 'pending' }, { status: 'processing' }],
    { expect: 'cancelled', cancelAfterMs: 2_500 },
  ),
];
