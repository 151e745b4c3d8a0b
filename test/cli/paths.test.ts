import { describe, expect, it } from 'vitest';
import { providers } from '../../src/cli/providers.js';
import { pathProviders } from '../../src/testing/index.js';
import { runCli } from './run-cli.js';

const withPaths = providers.filter((p) => pathProviders().includes(p.name)).map((p) => p.name);
const withoutPaths = providers.filter((p) => !pathProviders().includes(p.name)).map((p) => p.name);

describe('jobcharts paths <provider>', () => {
  it.skipIf(withPaths.length === 0)(`prints ${withPaths[0]}'s lifecycle paths as JSON`, { timeout: 60_000 }, async () => {
    const result = await runCli(['paths', withPaths[0]]);

    expect(result.code).toBe(0);
    const paths = JSON.parse(result.stdout) as { id: string; description: string; answers: unknown[]; steps: { expect: unknown }[]; end: string }[];
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      expect(path.id).toMatch(new RegExp(`^${withPaths[0]}#\\d+$`));
      expect(path.description).not.toBe('');
      expect(Array.isArray(path.answers)).toBe(true);
      expect(path.steps.every((step) => step.expect !== undefined)).toBe(true);
    }
    expect(new Set(paths.map((p) => p.end))).toEqual(new Set(['succeeded', 'failed', 'rejected', 'timedOut', 'cancelled']));
  });

  it('an unknown provider, or one without paths yet, is one line and exit code 2', { timeout: 30_000 }, async () => {
    const name = withoutPaths[0] ?? 'nosuch';
    const result = await runCli(['paths', name]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      withoutPaths[0] ? `error: lifecycle paths are not available yet for ${name}` : `error: unknown provider 'nosuch': choose one of ${providers.map((p) => p.name).join(', ')}`,
    );
  });
});
