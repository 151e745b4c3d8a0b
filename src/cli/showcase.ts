/**
 * The demo's jobs: each registered provider's showcase stories (its definition's `showcase`), each scripting the
 * simulated provider for its own request (so the order in which jobs are created does not matter) and saying how
 * it should end. Intervals are sub-second so the whole demo takes seconds.
 */
import type { PollOptions } from '../core/options.js';
import type { ShowcaseStory } from '../providers/define.js';
import { providers } from '../providers/registry.js';

/** A story with its provider and its poll options. */
export interface ShowcaseJob extends ShowcaseStory {
  provider: string;
  options: Partial<PollOptions>;
}

const fast: Partial<PollOptions> = {
  pollIntervalMs: 300,
  pollGrowth: 1.2,
  maxPollIntervalMs: 1_000,
  minDelayMs: 0,
  retryDelayMs: 200,
  jitter: 0.1,
  timeoutMs: 45_000,
};

/** Every story of every registered provider, in the registry's order. */
export function showcase(): ShowcaseJob[] {
  return providers.flatMap((p) =>
    (p.showcase ?? []).map((story: ShowcaseStory) => ({ ...story, provider: p.name, options: story.options ?? fast })),
  );
}
