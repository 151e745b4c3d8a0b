/** `jobcharts draw <provider> --out file.svg`: a well-formed SVG file naming every state of the provider's chart. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { providers } from '../../src/cli/providers.js';
import { chartSources } from '../../visualizer/charts.js';
import { describeChart, type StateInfo } from '../../visualizer/page/describe.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jobcharts-draw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The states the page draws by default, as the SVG must too: every state but those folded into a box of shared
 * request machinery (the box itself is drawn, named after its region).
 */
function drawnStateKeys(machine: AnyStateMachine): string[] {
  const model = describeChart(chartSources([{ machine, title: machine.id, summary: '' }])[0].config);
  const folded = (state: StateInfo) => {
    for (let up = state.parent; up; up = up.parent) if (up.collapsed) return true;
    return false;
  };
  const keys = [...model.states.values()].filter((state) => !folded(state)).map((state) => state.key);
  expect(keys.length).toBeGreaterThan(5);
  return keys;
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Well-formed XML, as an image viewer requires: every tag closed in order, attributes quoted, entities known. */
function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const open: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:lt|gt|amp|quot|apos|#\d+);)/g)) {
    const [token, closing, name, , selfClosing] = match;
    if (!name) problems.push(`stray ${JSON.stringify(token)} at ${match.index}`);
    else if (closing) {
      if (open.pop() !== name) problems.push(`</${name}> closes nothing open at ${match.index}`);
    } else if (!selfClosing) open.push(name);
  }
  if (open.length) problems.push(`never closed: ${open.join(', ')}`);
  return problems;
}

describe('jobcharts draw', () => {
  it.each(providers.map((p) => [p.name, p.chart] as const))('%s: writes a valid SVG naming every state the page draws', { timeout: 60_000 }, async (name, chart) => {
    const out = join(dir, `${name}.svg`);
    const result = await runCli(['draw', name, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    const root = /<svg [^>]*>/.exec(svg)![0];
    expect(root).toContain('xmlns="http://www.w3.org/2000/svg"');
    const [, width, height] = /viewBox="0 0 (\d+) (\d+)"/.exec(root)!.map(Number);
    expect(width).toBeGreaterThan(100);
    expect(height).toBeGreaterThan(100);
    const texts = new Set([...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1])));
    for (const key of drawnStateKeys(chart)) expect(texts, `state ${key}`).toContain(key);
  });

  it('without --out writes the SVG to standard output; an unknown provider is a usage error', async () => {
    const drawn = await runCli(['draw', 'bland']);
    expect(drawn.code).toBe(0);
    expect(drawn.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
    const unknown = await runCli(['draw', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown provider 'nobody'");
  });
});
