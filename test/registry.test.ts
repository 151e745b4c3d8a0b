/** The provider registry: each definition is its chart's, and its sample request and standard script make real jobs. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { settle } from '../src/core/outcome.js';
import { providers, type ProviderName } from '../src/providers/registry.js';
import { createIsAtMostOnce } from '../src/runner/charts.js';
import { adapterFor } from '../src/testing/index.js';
import { startJob } from './support/jobs.js';
import { simulator } from './support/sim.js';
import { newClock, untilSettled } from './support/simulated-time.js';

describe('the provider registry', () => {
  it('names each provider once, by its chart id', () => {
    expect(providers.map((p) => p.name)).toEqual(providers.map((p) => p.chart.id));
    expect(new Set(providers.map((p) => p.name)).size).toBe(providers.length);
  });

  it.each(providers.flatMap((p) => (['succeeded', 'failed'] as const).map((end) => [p.name, end] as const)))(
    '%s: the sample request and the standard script (2 in progress, then %s) end as the script says, over HTTP',
    async (name, end) => {
      const definition = providers.find((p) => p.name === name)!;
      const clock = newClock();
      // markdown2pdf free of charge: no person pays here.
      const sim = await simulator(clock, { markdown2pdf: { pricing: 'free' } });
      (sim.provider(name) as unknown as { scripts: { push(s: unknown): void } }).scripts.push(definition.simulator!.script!({ inProgress: 2, end }));
      const actor: AnyActorRef = startJob(name as ProviderName, sim.url, clock);
      await untilSettled(actor, clock);
      expect(((await settle(actor)) as { status: string }).status).toBe(end);
      expect(sim.requests(name).filter((r) => r.method === 'POST')).toHaveLength(1);
    },
  );

  it("the runner's at-most-once creates are the charts that do not send a create again after a restore", () => {
    for (const { name } of providers) {
      expect(createIsAtMostOnce(name), name).toBe(adapterFor(name).notResentOnRestore?.includes('create') ?? false);
    }
  });

  // The steps of docs/adding-a-provider.md outside the provider's folder: a registered provider missing one of them
  // would be left out of the package or of the suite without any test failing.
  it.each(providers.map((p) => p.name))('%s: has its package entry, its model test and its fault runs', (name) => {
    const root = join(import.meta.dirname, '..');
    const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, unknown>;
    expect(exports[`./${name}`], `package.json exports "./${name}"`).toBeDefined();
    expect(existsSync(join(root, 'src', `${name}.ts`)), `src/${name}.ts`).toBe(true);
    expect(existsSync(join(root, 'test', 'model', `${name}.model.test.ts`)), `test/model/${name}.model.test.ts`).toBe(true);
    expect(existsSync(join(root, 'test', 'faults', `${name}.property.test.ts`)), `test/faults/${name}.property.test.ts`).toBe(true);
  });
});
