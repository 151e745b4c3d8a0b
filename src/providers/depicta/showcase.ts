/** Depicta in `jobcharts demo`: a four-scene story, scene by scene. */
import type { ShowcaseStory } from '../define.js';
import { DEPICTA_STORY_MODEL, type DepictaSim } from './simulator.js';

const storyScenes = ['A lighthouse keeper finds a map', 'She sails past the reef at dawn', 'A storm on the open sea', 'The island from the map'];

export const depictaShowcase: ShowcaseStory<DepictaSim>[] = [
  {
    label: '4-scene story',
    request: {
      model: DEPICTA_STORY_MODEL,
      characters: [{ name: 'Ada', appearance: 'a lighthouse keeper in a yellow raincoat' }],
      scenes: storyScenes.map((prompt) => ({ prompt })),
      aspect_ratio: '16:9',
    },
    expect: 'succeeded',
    script: (sim) =>
      sim.scripts.push(
        {
          steps: [
            { status: 'pending' },
            { status: 'processing', scenesCompleted: 0 },
            { status: 'processing', scenesCompleted: 1 },
            { status: 'processing', scenesCompleted: 1 },
            { status: 'processing', scenesCompleted: 2 },
            { status: 'processing', scenesCompleted: 3 },
            { status: 'processing', scenesCompleted: 4 },
            { status: 'completed' },
          ],
        },
        (body) => (body as { scenes?: { prompt?: string }[] } | undefined)?.scenes?.[0]?.prompt === storyScenes[0],
      ),
  },
];
