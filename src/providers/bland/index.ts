/** Bland AI (pathway generation), as the command, the simulator, the visualizer and the tests know it (see ../define.ts). */
import { defineProvider } from '../define.js';
import { blandJob } from './chart.js';
import { BlandSim, BLAND_TEST_KEY, type BlandSimOptions } from './simulator.js';
import { blandShowcase } from './showcase.js';
import { blandTesting } from './testing.js';

export const bland = defineProvider({
  name: 'bland',
  title: 'Bland AI',
  makes: 'conversational pathways',
  summary: 'Pathway generation · ready:false until a pathway id',
  chart: blandJob,
  keyEnv: 'BLAND_API_KEY',
  baseUrlEnv: 'BLAND_BASE_URL',
  sampleRequest: {
    input_prompt:
      'A receptionist pathway for a dental clinic: greet the caller, ask for the reason of the call, book, move or cancel an appointment.',
    input_name: 'Dental reception',
  },
  requestFromPrompt: (prompt) => ({ input_prompt: prompt }),
  simulator: {
    create: (options?: BlandSimOptions) => new BlandSim(options),
    testKey: BLAND_TEST_KEY,
    statusField: ['data', 'ready'],
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, () => ({ ready: false as const })),
        end === 'succeeded' ? { ready: true as const, pathwayId: 'a6c24531-75b1-4334-95b2-2d0f11e8fe41' } : { ready: true as const, error: 'Prompt flagged.' },
      ],
    }),
  },
  showcase: blandShowcase,
  testing: blandTesting,
});
