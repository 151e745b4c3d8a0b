/** Perceptis, as the command, the simulator, the visualizer and the tests know it (see ../define.ts). */
import { defineProvider } from '../define.js';
import { perceptisJob } from './chart.js';
import { PerceptisSim, PERCEPTIS_TEST_KEY, type PerceptisSimOptions } from './simulator.js';
import { perceptisShowcase } from './showcase.js';
import { perceptisTesting } from './testing.js';

export const perceptis = defineProvider({
  name: 'perceptis',
  title: 'Perceptis',
  makes: 'PowerPoint slides and decks',
  summary: 'PowerPoint generation · pending → processing → download links',
  chart: perceptisJob,
  keyEnv: 'PERCEPTIS_API_KEY',
  baseUrlEnv: 'PERCEPTIS_BASE_URL',
  sampleRequest: { prompt: 'A one-slide summary of our quarter', output_type: 'single_slide' },
  requestFromPrompt: (prompt) => ({ prompt, output_type: 'single_slide' }),
  simulator: {
    create: (options?: PerceptisSimOptions) => new PerceptisSim(options),
    testKey: PERCEPTIS_TEST_KEY,
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => ({ status: i === 0 ? 'pending' : 'processing' })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'generation_failed', message: 'no deck' } },
      ],
    }),
  },
  showcase: perceptisShowcase,
  testing: perceptisTesting,
});
