/**
 * Parts of a chart laid out on their own (elkjs `SEPARATE_CHILDREN`), each in the direction that keeps the chart
 * short, so the provider's own lifecycle fits a screen:
 *
 * - a **grid of stages**: sibling states no transition links, each entered by an event of an enclosing state (a
 *   provider's statuses, Cata's `queued`, `gathering`, … `done`), left to right in rows of at most three, in the
 *   chart's order — a pipeline read like text instead of a tall column;
 * - a **flow**: a small compound state of a few plain states (Cata's `awaitingAnswer → sendingAnswer`), left to right.
 */
import type { ChartModel, StateInfo } from './describe.js';

export type SubLayout = { kind: 'grid'; columns: number; entry: string[] | null } | { kind: 'flow' };

const ON_ITS_OWN = { 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.direction': 'RIGHT', 'elk.layered.compaction.postCompaction.strategy': 'NONE' };

export const SUB_LAYOUT_OPTIONS: Record<SubLayout['kind'], Record<string, string>> = {
  grid: {
    ...ON_ITS_OWN,
    // A partition per column: a column's stages stand one below the other, in the chart's order.
    'elk.partitioning.activate': 'true',
    'elk.separateConnectedComponents': 'false',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    'elk.layered.spacing.nodeNodeBetweenLayers': '18',
  },
  flow: { ...ON_ITS_OWN, 'elk.layered.spacing.nodeNodeBetweenLayers': '24' },
};

/** The column (elkjs partition) of a grid's `index`-th stage; the initial dot stands before the first. */
export const gridColumn = (grid: { columns: number }, index: number): string => String(1 + (index % grid.columns));

/** A flow holds at most this many states. */
const FLOW_MAX = 4;

/** The parts of `model` laid out on their own, by state id. `linked`: states a drawn transition starts or ends at. */
export function subLayouts(model: ChartModel, linked: ReadonlySet<string>): Map<string, SubLayout> {
  const parts = new Map<string, SubLayout>();
  // Innermost first: a grid may hold grids.
  for (const state of [...model.states.values()].reverse()) {
    const children = state.children;
    if (state.kind !== 'compound' || children.length < 2) continue;
    const isLeaf = (c: StateInfo) => c.children.length === 0;
    if (children.every((c) => !linked.has(c.id) && (isLeaf(c) || parts.get(c.id)?.kind === 'grid'))) {
      parts.set(state.id, { kind: 'grid', columns: Math.ceil(children.length / Math.ceil(children.length / 3)), entry: sharedEntry(children) });
    } else if (state.parent && !state.isRegion && !state.summary && children.length <= FLOW_MAX && children.every(isLeaf)) {
      parts.set(state.id, { kind: 'flow' });
    }
  }
  return parts;
}

/** `status.running.<state>` when each stage is entered by exactly `status.running.<its key>`: named once, on the grid. */
function sharedEntry(stages: StateInfo[]): string[] | null {
  const prefix = (stage: StateInfo) =>
    stage.entryLabels.length === 1 && stage.entryLabels[0].endsWith(`.${stage.key}`) ? stage.entryLabels[0].slice(0, -stage.key.length) : null;
  const first = prefix(stages[0]);
  return first && stages.every((stage) => prefix(stage) === first) ? [`${first}<state>`] : null;
}
