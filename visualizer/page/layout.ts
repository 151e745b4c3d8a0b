import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartModel, EdgeInfo, StateInfo } from './describe.js';

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

/** A collapsed request region: what it does, on two lines, and how much it hides. */
function collapsedNotes(state: StateInfo): PlacedState['notes'] {
  const [doing, ...rest] = (state.summary ?? '').split(' · ');
  return [
    { text: doing, kind: 'summary' },
    ...(rest.length ? [{ text: rest.join(' · '), kind: 'summary' as const }] : []),
    { text: `+ ${state.hidden} states · select to expand`, kind: 'tag' },
  ];
}

const SPACING: Record<string, string> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': '16',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeNode': '10',
  'elk.spacing.edgeEdge': '6',
  'elk.spacing.edgeLabel': '3',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  // Same drawings for these charts, in about two thirds of the time.
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
};

export const METRICS = {
  titleHeight: 16,
  noteHeight: 15,
  labelLine: 14,
  padX: 14,
  atomicPadY: 10,
  compoundHeader: 30,
  marker: 10,
};

/**
 * Lays a chart out with elkjs (layered, hierarchy included). Transitions from inside a compound state to an end
 * state outside it become exits drawn next to their source, so a dozen failure paths do not cross the whole chart.
 */
export async function layoutChart(model: ChartModel, measure: Measure, elk: ELK, overrides: Record<string, string> = {}): Promise<ChartLayout> {
  // Spacing is read per graph level, not inherited: every compound state gets it.
  const spacing: Record<string, string> = { ...SPACING, ...overrides };
  const notesOf = (state: StateInfo): PlacedState['notes'] =>
    state.collapsed ? collapsedNotes(state) : [
    ...state.tags.map((text) => ({ text, kind: 'tag' as const })),
    ...state.invokes.map((text) => ({ text: `invoke ${text}`, kind: 'invoke' as const })),
    ...state.entryLabels.map((text) => ({ text: `← ${text}`, kind: 'entry' as const })),
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
    addEdge(source === target ? (source.parent ?? source).id : lca(source, target).id, {
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      labels,
    });
  }

  // States with no transitions among them (a provider's stages, each entered from outside) would stand in one wide
  // row: unseen edges in the chart's order stack them as the pipeline they are.
  const linked = new Set(model.edges.flatMap((e) => [e.source, e.target]));
  for (const state of model.states.values()) {
    if (state.kind !== 'compound' || state.children.length < 3) continue;
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
    const children: ElkNode[] = [...state.children.map(toElk), ...(exitsIn.get(state.id) ?? [])];
    if (state.initialId) {
      const markerId = `${state.id}::initial`;
      children.unshift({ id: markerId, width: METRICS.marker, height: METRICS.marker });
      addEdge(state.id, { id: `${state.id}::initial-edge`, sources: [markerId], targets: [state.initialId] });
    }
    const top = METRICS.compoundHeader + stateNotes.length * METRICS.noteHeight;
    return {
      id: state.id,
      children,
      layoutOptions: {
        ...spacing,
        'elk.padding': `[top=${top},left=16,bottom=16,right=16]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.max(titleWidth, noteWidth) + 2 * METRICS.padX},${top + 20})`,
      },
    };
  };

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

  const laid = await elk.layout(graph);
  const placed: PlacedState[] = [];
  const initials: ChartLayout['initials'] = [];
  const exits: PlacedExit[] = [];
  const markers = new Map<string, ChartLayout['initials'][number]>();
  const visit = (node: ElkNode) => {
    const state = model.states.get(node.id);
    if (state) {
      placed.push({ state, x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0, notes: notes.get(state.id) ?? [] });
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
      }
    }
    node.children?.forEach(collectEdges);
  };
  collectEdges(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, states: placed, edges, initials, exits };
}
