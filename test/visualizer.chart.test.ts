import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { chartSources, registeredCharts } from '../visualizer/charts.js';
import { activeStateIds, describeChart, journeyOf } from '../visualizer/page/describe.js';

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
    const model = describeChart(JSON.parse(JSON.stringify(source.config)), { expanded: 'all' });
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
    const model = describeChart(chartSources().find((c) => c.id === 'perceptis')!.config, { expanded: 'all' });
    const refusals = model.edges.find((e) => e.source === 'perceptis.polling.poller.requesting' && e.target === 'perceptis.rejected')!;
    expect(refusals.events.join(' ')).toMatch(/^http\.\{unauthorized, forbidden,\s+notFound, payment, invalid\}/);
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

  it.each(registeredCharts.map((c) => [c.machine.id] as const))('%s: the shared request machinery is folded into boxes that say what they do', (id) => {
    const model = describeChart(chartSources().find((c) => c.id === id)!.config);
    const boxes = [...model.states.values()].filter((s) => s.collapsed);
    expect(boxes.map((b) => b.id)).toEqual(expect.arrayContaining([`${id}.submitting`, `${id}.polling.poller`]));
    expect(model.states.get(`${id}.polling.poller`)!.summary).toBe('polls status · retries · backs off on 429 · waits for budget');
    expect(model.states.has(`${id}.polling.poller.backingOff`)).toBe(false);
    // A job deep inside the machinery lights the box that stands for it.
    expect(activeStateIds(model, { polling: { provider: 'unknown', poller: { waitingForBudget: 'paced' } } }).has(`${id}.polling.poller`)).toBe(true);
    // Opening one box shows its states again; the other stays folded.
    const open = describeChart(chartSources().find((c) => c.id === id)!.config, { expanded: new Set([`${id}.submitting`]) });
    expect(open.states.has(`${id}.submitting.backingOff`)).toBe(true);
    expect(open.states.has(`${id}.polling.poller.backingOff`)).toBe(false);
  });

  it('journeyOf: the states a job passed and how often it took each transition', () => {
    const model = describeChart(chartSources().find((c) => c.id === 'perceptis')!.config);
    const poll = { polling: { provider: 'pending', poller: 'waiting' } };
    const { visited, taken } = journeyOf(model, [
      { from: 'starting', to: { submitting: 'requesting' }, count: 1 },
      { from: { submitting: 'requesting' }, to: poll, count: 1 },
      { from: poll, to: { polling: { provider: 'processing', poller: 'waiting' } }, count: 2 },
    ]);
    expect(visited.has('perceptis.submitting') && visited.has('perceptis.polling.provider.processing')).toBe(true);
    expect(visited.has('perceptis.succeeded')).toBe(false);
    const edge = model.edges.find((e) => e.source === 'perceptis.submitting' && e.target === 'perceptis.polling')!;
    expect(taken.get(edge.id)).toBe(1);
  });
});
