import type { ELK, ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api.js';
import type { ChartModel, EdgeInfo, StateInfo } from './describe.js';
import { CYCLE_BREAKING, hasLoop } from './loops.js';
import { gridColumn, SUB_LAYOUT_OPTIONS, subLayouts } from './sub-layouts.js';

/** Text metrics the layout needs; the page measures with a canvas, tests may pass an estimate. */
export interface Measure {
  (text: string, font: 'title' | 'small' | 'label'): number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedState {
  state: StateInfo;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Lines under the name: tags, invoked actors, transitions entering from an enclosing state. */
  notes: Array<{ text: string; kind: 'tag' | 'invoke' | 'entry' | 'summary' }>;
}

export interface PlacedEdge {
  edge: EdgeInfo;
  points: Point[];
  label: { x: number; y: number; width: number; height: number } | null;
}

/** An exit to an end state far away, drawn as a short arrow into a small copy of the end state beside its source. */
export interface PlacedExit {
  source: string;
  target: string;
  targetKey: string;
  /** The events that lead there. */
  events: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** Outer states first, so drawing in order puts children on top. */
  states: PlacedState[];
  edges: PlacedEdge[];
  initials: Array<{ center: Point; points: Point[] }>;
  exits: PlacedExit[];
}

/** A collapsed request region: what it does, then how (two items a line: a narrow box), and how much it hides. */
function collapsedNotes(state: StateInfo): PlacedState['notes'] {
  const [doing, ...how] = (state.summary ?? '').split(' · ');
  const lines = how.flatMap((item, i) => (i % 2 ? [] : [how.slice(i, i + 2).join(' · ')]));
  return [
    { text: doing, kind: 'summary' },
    ...lines.map((text) => ({ text, kind: 'summary' as const })),
    { text: `+ ${state.hidden} states · select to expand`, kind: 'tag' },
  ];
}

const SPACING: Record<string, string> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': '16',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
  'elk.spacing.nodeNode': '14',
  'elk.spacing.edgeNode': '10',
  'elk.spacing.edgeEdge': '6',
  'elk.spacing.edgeLabel': '3',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  // Rows pulled up into the room left above them (a short box beside a tall one): about a tenth less height.
  'elk.layered.compaction.postCompaction.strategy': 'LEFT',
  // Same drawings for these charts, in about two thirds of the time.
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
};

/** Room left of a chart's first state for its start dot and arrow. */
const BESIDE = 28;

export const METRICS = {
  titleHeight: 16,
  noteHeight: 15,
  labelLine: 14,
  padX: 14,
  atomicPadY: 10,
  compoundHeader: 26,
  compoundPad: 12,
  marker: 10,
};

/**
 * Lays a chart out with elkjs (layered, hierarchy included). Transitions from inside a compound state to an end
 * state outside it become exits drawn next to their source, so a dozen failure paths do not cross the whole chart.
 */
export async function layoutChart(model: ChartModel, measure: Measure, elk: ELK, overrides: Record<string, string> = {}): Promise<ChartLayout> {
  // Spacing is read per graph level, not inherited: every compound state gets it.
  const spacing: Record<string, string> = { ...SPACING, ...overrides };
  const linked = new Set(model.edges.flatMap((e) => [e.source, e.target]));
  const parts = subLayouts(model, linked);
  const gridOf = (state: StateInfo | null) => {
    const part = state && parts.get(state.id);
    return part?.kind === 'grid' ? part : null;
  };
  /** A grid whose stages share their entry names it once (`← status.running.<state>`) instead of on each stage. */
  const entriesOf = (state: StateInfo) => [...(gridOf(state.parent)?.entry ? [] : state.entryLabels), ...(gridOf(state)?.entry ?? [])];
  const notesOf = (state: StateInfo): PlacedState['notes'] =>
    state.collapsed ? collapsedNotes(state) : [
    ...state.tags.map((text) => ({ text, kind: 'tag' as const })),
    ...state.invokes.map((text) => ({ text: `invoke ${text}`, kind: 'invoke' as const })),
    ...entriesOf(state).map((text) => ({ text: `← ${text}`, kind: 'entry' as const })),
  ];
  const notes = new Map<string, PlacedState['notes']>();
  const edgesAt = new Map<string, ElkExtendedEdge[]>();
  const addEdge = (container: string, edge: ElkExtendedEdge) => {
    const list = edgesAt.get(container) ?? [];
    list.push(edge);
    edgesAt.set(container, list);
  };

  const lca = (a: StateInfo, b: StateInfo): StateInfo => {
    const ancestors = new Set<StateInfo>();
    for (let p: StateInfo | null = a.parent; p; p = p.parent) ancestors.add(p);
    for (let p: StateInfo | null = b.parent; p; p = p.parent) if (ancestors.has(p)) return p;
    return model.root;
  };

  const exitsIn = new Map<string, ElkNode[]>();
  const portsOf = new Map<string, ElkPort[]>();
  const exitInfo = new Map<string, { source: string; target: string; targetKey: string; events: string[] }>();
  for (const edge of model.edges) {
    const source = model.states.get(edge.source)!;
    const target = model.states.get(edge.target)!;
    const width = Math.max(...edge.lines.map((l) => measure(l, 'label'))) + 10;
    const height = edge.lines.length * METRICS.labelLine + 6;
    const labels = [{ id: `${edge.id}:label`, text: edge.lines.join('\n'), width, height }];
    // Every way to an end is drawn as a pill beside its source: a dozen failure paths never cross the chart.
    if (target.kind === 'final' && source.parent) {
      const exitId = `${edge.id}::exit`;
      const container = source.parent;
      exitsIn.set(container.id, [...(exitsIn.get(container.id) ?? []), { id: exitId, width: measure(`${target.key}`, 'small') + 26, height: 22 }]);
      exitInfo.set(exitId, { source: source.id, target: target.id, targetKey: target.key, events: edge.events });
      // The pill names the end; an arrow's list of reasons stays in its tooltip unless it is one event.
      addEdge(container.id, { id: edge.id, sources: [edge.source], targets: [exitId], labels: edge.events.length === 1 ? labels : [] });
      continue;
    }
    // A state laid out on its own (a flow) is left or entered through a port on its border: elkjs routes each leg
    // in its own layout, and the legs are joined again for drawing.
    const container = source === target ? (source.parent ?? source) : lca(source, target);
    const ends = [edge.source, edge.target];
    for (const [end, state] of [source, target].entries()) {
      const part = state.parent;
      if (!part || part === container || !parts.has(part.id)) continue;
      const port = `${edge.id}::port${end}`;
      portsOf.set(part.id, [...(portsOf.get(part.id) ?? []), { id: port, width: 1, height: 1 }]);
      addEdge(part.id, { id: `${edge.id}::leg${end}`, sources: [end ? port : edge.source], targets: [end ? edge.target : port] });
      ends[end] = port;
    }
    addEdge(container.id, { id: edge.id, sources: [ends[0]], targets: [ends[1]], labels });
  }

  // States with no transitions among them (a provider's stages, each entered from outside) would stand in one wide
  // row: unseen edges in the chart's order stack them as the pipeline they are.
  for (const state of model.states.values()) {
    if (state.kind !== 'compound' || state.children.length < 3 || parts.has(state.id)) continue;
    const loose = state.children.filter((c) => !linked.has(c.id) && c.id !== state.initialId);
    loose.slice(1).forEach((c, i) => addEdge(state.id, { id: `${state.id}::order${i}`, sources: [loose[i].id], targets: [c.id] }));
  }

  const toElk = (state: StateInfo): ElkNode => {
    const stateNotes = notesOf(state);
    notes.set(state.id, stateNotes);
    const noteWidth = Math.max(0, ...stateNotes.map((n) => measure(n.text, 'small')));
    const titleWidth = measure(state.key, 'title');
    if (state.children.length === 0) {
      const extra = state.kind === 'final' ? 8 : 0;
      return {
        id: state.id,
        width: Math.max(92, Math.max(titleWidth, noteWidth) + 2 * METRICS.padX + extra),
        height: METRICS.atomicPadY * 2 + METRICS.titleHeight + stateNotes.length * METRICS.noteHeight + extra + (stateNotes.length ? 2 : 0),
      };
    }
    // A flow's ends stand together after its last step, not each in the next column.
    const exits = (exitsIn.get(state.id) ?? []).map((exit) => (parts.get(state.id)?.kind === 'flow' ? { ...exit, layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST' } } : exit));
    const children: ElkNode[] = [...state.children.map(toElk), ...exits];
    const grid = gridOf(state);
    if (grid) children.forEach((child, i) => (child.layoutOptions = { ...child.layoutOptions, 'elk.partitioning.partition': gridColumn(grid, i) }));
    const initial = children.find((child) => child.id === state.initialId);
    if (initial && !state.parent && !initial.children?.length) {
      // The chart's start: its dot stands left of the first state (room elkjs keeps as part of the node), in the
      // first row with the ends, not in a row of its own.
      initial.width! += BESIDE;
      initial.layoutOptions = { ...initial.layoutOptions, 'elk.portAlignment.default': 'CENTER' };
      startBeside.add(initial.id);
    } else if (state.initialId) {
      const markerId = `${state.id}::initial`;
      children.unshift({ id: markerId, width: METRICS.marker, height: METRICS.marker, layoutOptions: grid ? { 'elk.partitioning.partition': '0' } : {} });
      addEdge(state.id, { id: `${state.id}::initial-edge`, sources: [markerId], targets: [state.initialId] });
    }
    const top = METRICS.compoundHeader + stateNotes.length * METRICS.noteHeight;
    const part = parts.get(state.id);
    return {
      id: state.id,
      children,
      ports: portsOf.get(state.id) ?? [],
      layoutOptions: {
        ...spacing,
        'elk.padding': `[top=${top},left=${METRICS.compoundPad},bottom=${METRICS.compoundPad},right=${METRICS.compoundPad}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.max(titleWidth, noteWidth) + 2 * METRICS.padX},${top + 20})`,
        ...(part ? SUB_LAYOUT_OPTIONS[part.kind] : {}),
      },
    };
  };

  const startBeside = new Set<string>();
  const rootNode = toElk(model.root);
  const attachEdges = (node: ElkNode) => {
    node.edges = edgesAt.get(node.id) ?? [];
    node.children?.forEach(attachEdges);
  };
  attachEdges(rootNode);

  const graph: ElkNode = {
    id: '::graph',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      ...spacing,
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.padding': '[top=4,left=4,bottom=4,right=4]',
      ...overrides,
    },
    children: [rootNode],
    edges: [],
  };

  // elkjs turns the chart's loops (a question and back to polling) around before it layers; which arrows it turns
  // decides how tall or wide a chart is. Both ways are tried and the smaller drawing kept.
  // Options are read per graph level: each compound state gets the strategy.
  const withCycleBreaking = (node: ElkNode, strategy: string): ElkNode =>
    node.children?.length
      ? { ...node, layoutOptions: { ...node.layoutOptions, 'elk.layered.cycleBreaking.strategy': strategy, ...overrides }, children: node.children.map((c) => withCycleBreaking(c, strategy)) }
      : node;
  const strategies = hasLoop(model, lca) ? CYCLE_BREAKING : CYCLE_BREAKING.slice(0, 1);
  const tries = await Promise.all(strategies.map((strategy) => elk.layout(structuredClone(withCycleBreaking(graph, strategy)))));
  const area = (node: ElkNode) => (node.width ?? 0) * (node.height ?? 0);
  const laid = tries.reduce((best, next) => (area(next) < area(best) ? next : best));
  const placed: PlacedState[] = [];
  const initials: ChartLayout['initials'] = [];
  const exits: PlacedExit[] = [];
  const markers = new Map<string, ChartLayout['initials'][number]>();
  const visit = (node: ElkNode) => {
    const state = model.states.get(node.id);
    if (state) {
      const beside = startBeside.has(state.id) ? BESIDE : 0;
      const [x, y] = [(node.x ?? 0) + beside, node.y ?? 0];
      placed.push({ state, x, y, width: (node.width ?? 0) - beside, height: node.height ?? 0, notes: notes.get(state.id) ?? [] });
      if (beside) {
        const middle = y + (node.height ?? 0) / 2;
        initials.push({ center: { x: x - beside + METRICS.marker / 2, y: middle }, points: [{ x: x - beside + METRICS.marker, y: middle }, { x, y: middle }] });
      }
    } else if (exitInfo.has(node.id)) {
      exits.push({ ...exitInfo.get(node.id)!, x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0 });
    } else if (node.id.endsWith('::initial')) {
      const marker = { center: { x: (node.x ?? 0) + METRICS.marker / 2, y: (node.y ?? 0) + METRICS.marker / 2 }, points: [] as Point[] };
      initials.push(marker);
      markers.set(node.id, marker);
    }
    node.children?.forEach(visit);
  };
  visit(laid.children![0]);

  const edges: PlacedEdge[] = [];
  const byEdgeId = new Map(model.edges.map((e) => [e.id, e]));
  const collectEdges = (node: ElkNode) => {
    for (const e of (node.edges ?? []) as ElkExtendedEdge[]) {
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const info = byEdgeId.get(e.id);
      if (info) {
        const l = e.labels?.[0];
        edges.push({
          edge: info,
          points,
          label: l ? { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } : null,
        });
      } else if (e.id.endsWith('::initial-edge')) {
        const marker = markers.get(e.id.replace(/::initial-edge$/, '::initial'));
        if (marker) marker.points = points;
      } else if (/::leg[01]$/.test(e.id)) {
        legs.set(e.id, points);
      }
    }
    node.children?.forEach(collectEdges);
  };
  const legs = new Map<string, Point[]>();
  collectEdges(laid);
  for (const placed of edges) placed.points = [...(legs.get(`${placed.edge.id}::leg0`) ?? []), ...placed.points, ...(legs.get(`${placed.edge.id}::leg1`) ?? [])];
  return { width: laid.width ?? 0, height: laid.height ?? 0, states: placed, edges, initials, exits };
}
