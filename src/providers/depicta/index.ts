/** Depicta (illustrated stories), as the command, the simulator, the visualizer and the tests know it (see ../define.ts). */
import { defineProvider } from '../define.js';
import { depictaJob } from './chart.js';
import { DEPICTA_STORY_MODEL, DEPICTA_TEST_KEY, DepictaSim, type DepictaSimOptions } from './simulator.js';
import { depictaShowcase } from './showcase.js';
import { depictaTesting } from './testing.js';

export const depicta = defineProvider({
  name: 'depicta',
  title: 'Depicta',
  makes: 'illustrated multi-scene stories',
  summary: 'Story generation · scenes completed of total → signed image URLs',
  chart: depictaJob,
  keyEnv: 'DEPICTA_API_KEY',
  baseUrlEnv: 'DEPICTA_BASE_URL',
  sampleRequest: {
    model: DEPICTA_STORY_MODEL,
    characters: [{ name: 'Aria', appearance: 'A young archivist with silver hair and a green cloak' }],
    scenes: [{ prompt: 'Aria enters the ancient library' }, { prompt: 'Aria finds a glowing book' }, { prompt: 'The book opens a door of light' }],
    aspect_ratio: '16:9',
  },
  // `--prompt "scene one; scene two"`: one scene per part. The model: $DEPICTA_MODEL (the simulator's by default).
  requestFromPrompt: (prompt) => ({
    model: process.env.DEPICTA_MODEL ?? DEPICTA_STORY_MODEL,
    characters: [{ name: 'Hero', appearance: 'the hero of this story' }],
    scenes: prompt
      .split(';')
      .map((scene) => scene.trim())
      .filter(Boolean)
      .map((scene) => ({ prompt: scene })),
  }),
  simulator: {
    create: (options?: DepictaSimOptions) => new DepictaSim(options),
    testKey: DEPICTA_TEST_KEY,
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'pending' } : { status: 'processing', scenesCompleted: 1 })),
        end === 'succeeded' ? { status: 'completed' } : { status: 'failed', error: { code: 'content_rejected', message: 'no' } },
      ],
    }),
  },
  showcase: depictaShowcase,
  testing: depictaTesting,
});
