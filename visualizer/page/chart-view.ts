import { activeStateIds, journeyOf, type ChartModel, type Move } from './describe.js';
import { METRICS, type ChartLayout, type Point } from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';

/** What drawing needs of a document: the page's own, or a small one in Node (`jobcharts draw`). */
export type SvgDocument = Pick<Document, 'createElementNS'>;

const svgMaker = (doc: SvgDocument) =>
  function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
    const node = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

/** An orthogonal route with softly rounded corners. */
function roundedPath(points: Point[], radius = 6): string {
  if (points.length < 2) return '';
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(radius, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const p1 = towards(b, a, r);
    const p2 = towards(b, c, r);
    d += ` L${p1.x},${p1.y} Q${b.x},${b.y} ${p2.x},${p2.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}

function towards(from: Point, to: Point, distance: number): Point {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) / length) * distance, y: from.y + ((to.y - from.y) / length) * distance };
}

/** One chart as SVG; `light(value)` marks the states a job is in. */
export class ChartView {
  readonly svg: SVGSVGElement;
  private readonly stateNodes = new Map<string, SVGGElement>();
  private readonly edgeNodes: Array<{ node: SVGGElement; source: string; id: string }> = [];

  /** `onToggle(stateId)`: a request region's box was clicked (or Enter pressed on it) to open or fold it. */
  constructor(
    readonly model: ChartModel,
    layout: ChartLayout,
    onToggle: (stateId: string) => void = () => {},
    doc: SvgDocument = document,
  ) {
    const el = svgMaker(doc);
    const svg = el('svg', {
      class: 'chart-svg',
      viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
      width: Math.ceil(layout.width),
      height: Math.ceil(layout.height),
      role: 'img',
      'aria-label': `statechart ${model.id}`,
      'data-chart-id': model.id,
    });
    this.svg = svg;
    this.naturalWidth = Math.ceil(layout.width);
    const defs = el('defs');
    for (const kind of ['', '-active']) {
      const marker = el('marker', {
        id: `arrow${kind}-${model.id}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
      });
      marker.append(el('path', { d: 'M0,1 L9,5 L0,9 z', class: `arrowhead${kind}` }));
      defs.append(marker);
    }
    svg.append(defs);

    const statesLayer = el('g', { class: 'states' });
    for (const placed of layout.states) {
      const { state, x, y, width, height } = placed;
      const isContainer = state.children.length > 0;
      const classes = ['state', `kind-${state.kind}`, isContainer ? 'container' : 'leaf', state.isRegion ? 'region' : '', state.parent ? '' : 'root']
        .filter(Boolean)
        .join(' ');
      const g = el('g', { class: classes, 'data-state-id': state.id, 'data-active': 'false' });
      if (state.summary) {
        // A request region: collapsed into one box, or open with its states; either way a click toggles it.
        g.setAttribute('data-collapsed', String(state.collapsed));
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        g.setAttribute('aria-expanded', String(!state.collapsed));
        g.setAttribute('aria-label', `${state.key}: ${state.summary}. ${state.collapsed ? 'Expand' : 'Collapse'}`);
        g.addEventListener('click', (event) => {
          if ((event.target as Element).closest('[data-state-id]') !== g) return;
          event.stopPropagation();
          onToggle(state.id);
        });
        g.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' && event.target === g) onToggle(state.id);
        });
      }
      const radius = state.isRegion ? 8 : isContainer ? 12 : 9;
      g.append(el('rect', { class: 'box', x, y, width, height, rx: radius, ry: radius }));
      if (state.kind === 'final') g.append(el('rect', { class: 'box-inner', x: x + 4, y: y + 4, width: width - 8, height: height - 8, rx: radius - 3, ry: radius - 3 }));
      const title = el('text', { class: 'state-title', x: isContainer ? x + 14 : x + width / 2, y: isContainer ? y + 20 : y + METRICS.atomicPadY + 12 + (state.kind === 'final' ? 4 : 0) }, state.key);
      if (!isContainer) title.setAttribute('text-anchor', 'middle');
      g.append(title);
      if (state.kind === 'parallel') g.append(el('text', { class: 'state-badge', x: x + width - 14, y: y + 20, 'text-anchor': 'end' }, 'parallel'));
      placed.notes.forEach((note, i) => {
        const noteY = isContainer ? y + 20 + (i + 1) * METRICS.noteHeight : y + METRICS.atomicPadY + 12 + (i + 1) * METRICS.noteHeight + 2;
        const t = el('text', { class: `state-note note-${note.kind}`, x: isContainer ? x + 14 : x + width / 2, y: noteY }, note.text);
        if (!isContainer) t.setAttribute('text-anchor', 'middle');
        g.append(t);
      });
      g.append(el('title', {}, state.id));
      this.stateNodes.set(state.id, g);
      statesLayer.append(g);
    }
    for (const exit of layout.exits) {
      const g = el('g', { class: `exit exit-${exit.targetKey}`, 'data-exit-target': exit.target, 'data-source': exit.source });
      g.append(el('rect', { class: 'exit-box', x: exit.x, y: exit.y, width: exit.width, height: exit.height, rx: exit.height / 2, ry: exit.height / 2 }));
      g.append(el('circle', { class: 'exit-ring', cx: exit.x + 11, cy: exit.y + exit.height / 2, r: 3.5 }));
      g.append(el('text', { class: 'exit-text', x: exit.x + 19, y: exit.y + exit.height / 2 + 4 }, exit.targetKey));
      g.append(el('title', {}, `ends the job: ${exit.target}\n${exit.events.join('\n')}`));
      statesLayer.append(g);
    }
    svg.append(statesLayer);

    const edgesLayer = el('g', { class: 'edges' });
    for (const initial of layout.initials) {
      const g = el('g', { class: 'initial' });
      if (initial.points.length) g.append(el('path', { class: 'edge-line', d: roundedPath(initial.points), 'marker-end': `url(#arrow-${model.id})` }));
      g.append(el('circle', { class: 'initial-dot', cx: initial.center.x, cy: initial.center.y, r: 4.5 }));
      edgesLayer.append(g);
    }
    const labelsLayer = el('g', { class: 'edge-labels' });
    for (const placed of layout.edges) {
      const g = el('g', { class: 'edge', 'data-edge-id': placed.edge.id, 'data-source': placed.edge.source, 'data-target': placed.edge.target });
      g.append(el('path', { class: 'edge-line', d: roundedPath(placed.points), 'marker-end': `url(#arrow-${model.id})` }));
      edgesLayer.append(g);
      this.edgeNodes.push({ node: g, source: placed.edge.source, id: placed.edge.id });
      if (placed.label) {
        const { x, y, width, height } = placed.label;
        const lg = el('g', { class: 'edge-label', 'data-source': placed.edge.source });
        lg.append(el('title', {}, placed.edge.events.join('\n')));
        lg.append(el('rect', { x: x - 1, y: y - 1, width: width + 2, height: height + 2, rx: 4, ry: 4 }));
        placed.edge.lines.forEach((line, i) => {
          lg.append(el('text', { x: x + 5, y: y + 3 + (i + 1) * METRICS.labelLine - 3, 'xml:space': 'preserve' }, line));
        });
        labelsLayer.append(lg);
        this.edgeNodes.push({ node: lg, source: placed.edge.source, id: placed.edge.id });
      }
    }
    svg.append(edgesLayer, labelsLayer);
  }

  readonly naturalWidth: number;

  /**
   * `fit`: the whole chart in the card's width, but never below its actual size's labels (11 px): a wider chart
   * scrolls in its card instead; a number: that scale, scrolling inside the card.
   */
  setZoom(zoom: 'fit' | number): void {
    this.svg.style.width = zoom === 'fit' ? `${this.naturalWidth}px` : `${Math.round(this.naturalWidth * zoom)}px`;
    this.svg.style.maxWidth = 'none';
    this.svg.dataset.zoom = String(zoom);
  }

  /** Scrolls the chart's card so the innermost active states are in view. */
  revealActive(): void {
    const leaf = this.svg.querySelector<SVGGElement>('.state.leaf[data-active="true"]');
    const body = this.svg.parentElement;
    if (!leaf || !body) return;
    const box = leaf.getBoundingClientRect();
    const frame = body.getBoundingClientRect();
    body.scrollTo({
      left: body.scrollLeft + box.left - frame.left - frame.width / 2 + box.width / 2,
      top: body.scrollTop + box.top - frame.top - frame.height / 2 + box.height / 2,
    });
  }

  /**
   * Marks the states of `value` active (`data-active="true"`), or none when `value` is undefined; the states the job
   * has passed `data-visited="true"`, and the transitions it took `data-taken="<count>"` (from its `moves`).
   */
  light(value: unknown | undefined, outcome: string | null = null, moves: readonly Move[] = []): void {
    const active = value === undefined ? new Set<string>() : activeStateIds(this.model, value);
    const journey = value === undefined ? null : journeyOf(this.model, moves);
    for (const [id, node] of this.stateNodes) {
      const on = active.has(id) ? 'true' : 'false';
      if (node.getAttribute('data-active') !== on) node.setAttribute('data-active', on);
      if (journey?.visited.has(id) || (journey && active.has(id))) node.setAttribute('data-visited', 'true');
      else node.removeAttribute('data-visited');
    }
    for (const { node, source, id } of this.edgeNodes) {
      node.classList.toggle('from-active', active.has(source) && !this.stateNodes.get(source)?.classList.contains('container'));
      const taken = journey?.taken.get(id);
      if (taken) node.setAttribute('data-taken', String(taken));
      else node.removeAttribute('data-taken');
    }
    if (outcome) this.svg.setAttribute('data-outcome', outcome);
    else this.svg.removeAttribute('data-outcome');
  }
}
