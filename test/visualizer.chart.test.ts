import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { chartSources, registeredCharts } from '../visualizer/charts.js';
import { activeStateIds, describeChart } from '../visualizer/page/describe.js';

type Node = { id: string; states: Record<string, Node>; type: string; transitions: Map<string, Array<{ target?: Node[] }>>; always?: Array<{ target?: Node[] }> };

function xstateNodes(machine: AnyStateMachine): Node[] {
  const out: Node[] = [];
  const walk = (node: Node) => {
    out.push(node);
    Object.values(node.states).forEach(walk);
  };
  walk(machine.root as unknown as Node);
  return out;
}

describe('reading a chart for drawing', () => {
  it.each(registeredCharts.map((c) => [c.machine.id, c.machine] as const))('%s: the same states as XState, every transition drawn', (_id, machine) => {
    const source = chartSources([{ machine, title: '', summary: '' }])[0];
    const model = describeChart(JSON.parse(JSON.stringify(source.config)));
    const nodes = xstateNodes(machine);
    expect([...model.states.keys()].sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const node of nodes) {
      expect(model.states.get(node.id)!.kind === 'final').toBe(node.type === 'final');
      expect(model.states.get(node.id)!.kind === 'parallel').toBe(node.type === 'parallel');
    }
    // Every (source, target) pair XState knows, `always` included, is an edge or a label on the target.
    const drawn = new Set(model.edges.map((e) => `${e.source} → ${e.target}`));
    for (const state of model.states.values()) for (const label of state.entryLabels) drawn.add(`entry ${state.id} ${label}`);
    for (const node of nodes) {
      const transitions = [...node.transitions.values()].flat().concat(node.always ?? []);
      for (const t of transitions) {
        for (const target of t.target ?? []) {
          const pair = `${node.id} → ${target.id}`;
          const isEntry = target.id.startsWith(`${node.id}.`);
          if (!isEntry) expect(drawn, pair).toContain(pair);
        }
      }
    }
    expect(model.root.initialId).toBe(`${machine.id}.starting`);
  });

  it('folds a family of events into one label and marks guarded fall-backs [else]', () => {
    const model = describeChart(chartSources().find((c) => c.id === 'perceptis')!.config);
    const refusals = model.edges.find((e) => e.source === 'perceptis.polling.poller.requesting' && e.target === 'perceptis.rejected')!;
    expect(refusals.lines.join(' ')).toMatch(/^http\.\{unauthorized, forbidden,\s+notFound, payment, invalid\}/);
    const start = model.edges.filter((e) => e.source === 'perceptis.starting').flatMap((e) => e.lines);
    expect(start).toEqual(expect.arrayContaining(['always [hasInputProblem]', 'always [isAttach]', 'always [else]']));
    expect(model.states.get('perceptis.cancelled')!.entryLabels).toEqual(['CANCEL']);
    expect([...activeStateIds(model, { polling: { provider: 'pending', poller: 'waiting' } })].sort()).toEqual([
      'perceptis',
      'perceptis.polling',
      'perceptis.polling.poller',
      'perceptis.polling.poller.waiting',
      'perceptis.polling.provider',
      'perceptis.polling.provider.pending',
    ]);
  });
});
