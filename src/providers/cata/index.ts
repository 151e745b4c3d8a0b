/** Cata (POS adapter scripts, asks a person), as the command, the simulator, the visualizer and the tests know it (see ../define.ts). */
import { defineProvider } from '../define.js';
import { cataJob } from './chart.js';
import { CATA_TEST_KEY, CataSim, type CataSimStage, type CataSimOptions } from './simulator.js';
import { cataShowcase } from './showcase.js';
import { cataTesting } from './testing.js';

const stages: CataSimStage[] = ['queued', 'gathering', 'generating', 'testing', 'retrying', 'done'];

export const cata = defineProvider({
  name: 'cata',
  title: 'Cata',
  makes: 'POS adapter scripts, with a person answering its questions',
  summary: 'Adapter-script generation · six stages, asks a person when stuck',
  chart: cataJob,
  keyEnv: 'CATA_API_KEY',
  baseUrlEnv: 'CATA_BASE_URL',
  sampleRequest: { provider: 'grabfood', topic: 'list_remote_outlets' },
  parseJobId: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
  // `--prompt "<pos provider> [topic]"`, e.g. "lightspeed sync_products"; the topic defaults to test_connection.
  requestFromPrompt: (prompt) => {
    const [provider = '', topic = 'test_connection'] = prompt.trim().split(/\s+/);
    return { provider, topic };
  },
  personStep: (job) => {
    const context = job.getSnapshot().context as { clarification: string | null; answerProblem: string | null };
    const refused = context.answerProblem ? ` (your last answer was refused: ${context.answerProblem})` : '';
    return {
      kind: 'question',
      text: `${context.clarification ?? 'Cata needs a clarification.'}${refused}`,
      automaticAnswer: 'Use the field the sample response actually has, and keep ids as strings.',
      reply: (text) => ({ type: 'ANSWER', text }),
    };
  },
  simulator: {
    create: (options?: CataSimOptions) => new CataSim(options),
    testKey: CATA_TEST_KEY,
    statusField: ['job', 'status'],
    script: ({ inProgress, end }) => ({
      steps: [
        ...Array.from({ length: inProgress }, (_, i) => (i === 0 ? { status: 'pending' as const } : { status: 'running' as const, stage: stages[i % stages.length] })),
        end === 'succeeded' ? { status: 'completed' as const, resultScriptId: 77 } : { status: 'failed' as const, reason: 'All test attempts failed' },
      ],
    }),
  },
  showcase: cataShowcase,
  testing: cataTesting,
});
