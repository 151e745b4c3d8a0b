/**
 * A chart's config (`machine.config` as JSON) read as a drawable statechart: the state tree with full ids, and
 * the transitions between states with their labels. Works on plain JSON, so it draws the registry's charts and
 * any machine a producer announces alike.
 */

export type StateKind = 'compound' | 'parallel' | 'atomic' | 'final' | 'history';

export interface StateInfo {
  /** Full state id: `perceptis.polling.poller.waiting` (or the state's own `id`). */
  id: string;
  key: string;
  /** Keys from the root; `[]` for the root. */
  path: string[];
  kind: StateKind;
  /** A region of a parallel state. */
  isRegion: boolean;
  parent: StateInfo | null;
  children: StateInfo[];
  /** The id of the initial child, if any. */
  initialId: string | null;
  tags: string[];
  /** Names of the actors the state invokes. */
  invokes: string[];
  /** Transitions of an enclosing state that enter this one, e.g. `CANCEL` from anywhere: drawn on the state itself. */
  entryLabels: string[];
  /** Shared request machinery (the chart marked it with `meta.jobcharts.summary`): what it does, in one line. */
  summary: string | null;
  /** Drawn as one box: its states are hidden (`hidden` of them), and the box stands for all of them. */
  collapsed: boolean;
  hidden: number;
  /** A request step (`request`) or a wait before the next one (`wait`), as the state builders marked it. */
  step: string | null;
}

export interface DescribeOptions {
  /**
   * State ids of request regions to draw open. Every other region marked as shared machinery is collapsed
   * (default: all collapsed); `'all'` opens every one.
   */
  expanded?: ReadonlySet<string> | 'all';
}

export interface EdgeInfo {
  id: string;
  source: string;
  target: string;
  /** What the arrow shows: one line per event (similar events folded together), at most two. */
  lines: string[];
  /** Every event line, for the arrow's tooltip. */
  events: string[];
}

export interface ChartModel {
  id: string;
  root: StateInfo;
  states: Map<string, StateInfo>;
  /** `polling.provider.pending` (keys joined by dots; `''` for the root) → state id. */
  byPath: Map<string, string>;
  edges: EdgeInfo[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const toArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

interface Transition {
  source: StateInfo;
  targets: string[];
  label: string;
  /** Event name for folding (unguarded events only). */
  plainEvent: string | null;
}

export function describeChart(config: unknown, { expanded = new Set() }: DescribeOptions = {}): ChartModel {
  const rootConfig = isObj(config) ? config : {};
  const rootId = typeof rootConfig.id === 'string' && rootConfig.id ? rootConfig.id : '(machine)';
  const states = new Map<string, StateInfo>();
  const byPath = new Map<string, string>();
  const configs = new Map<string, Json>();

  const build = (cfg: Json, key: string, path: string[], parent: StateInfo | null): StateInfo => {
    const id = typeof cfg.id === 'string' && cfg.id && parent ? cfg.id : parent ? `${parent.id}.${key}` : rootId;
    const childConfigs = isObj(cfg.states) ? Object.entries(cfg.states).filter(([, c]) => isObj(c)) : [];
    const kind: StateKind =
      cfg.type === 'parallel' ? 'parallel' : cfg.type === 'final' ? 'final' : cfg.type === 'history' ? 'history' : childConfigs.length ? 'compound' : 'atomic';
    const state: StateInfo = {
      id,
      key,
      path,
      kind,
      isRegion: parent?.kind === 'parallel',
      parent,
      children: [],
      initialId: null,
      tags: toArray(cfg.tags as string | string[]).filter((t): t is string => typeof t === 'string'),
      invokes: toArray(cfg.invoke as unknown).flatMap((inv) => {
        if (!isObj(inv)) return [];
        const src = typeof inv.src === 'string' ? inv.src : isObj(inv.src) && typeof inv.src.type === 'string' ? inv.src.type : null;
        return src ? [src] : [];
      }),
      entryLabels: [],
      summary: markOf(cfg.meta).summary,
      step: markOf(cfg.meta).step,
      collapsed: false,
      hidden: 0,
    };
    states.set(id, state);
    byPath.set(path.join('.'), id);
    configs.set(id, cfg);
    state.children = childConfigs.map(([childKey, childCfg]) => build(childCfg as Json, childKey, [...path, childKey], state));
    const initial = isObj(cfg.initial) ? cfg.initial.target : cfg.initial;
    if (typeof initial === 'string') state.initialId = state.children.find((c) => c.key === initial)?.id ?? null;
    return state;
  };
  const root = build(rootConfig, rootId, [], null);

  const childByPath = (from: StateInfo, keys: string[]): StateInfo | null => {
    let node: StateInfo | null = from;
    for (const key of keys) {
      if (!key) continue;
      node = node?.children.find((c) => c.key === key) ?? null;
    }
    return node;
  };
  const resolve = (source: StateInfo, target: string): StateInfo | null => {
    if (target.startsWith('#')) {
      const [head, ...rest] = target.slice(1).split('.');
      // `#perceptis.rejected`: an id, then keys below it (XState's own reading); also try the whole text as an id.
      return states.get(target.slice(1)) ?? (states.has(head) ? childByPath(states.get(head)!, rest) : null);
    }
    if (target.startsWith('.')) return childByPath(source, target.slice(1).split('.'));
    return childByPath(source.parent ?? source, target.split('.'));
  };

  const transitions: Transition[] = [];
  const collect = (source: StateInfo, trigger: string, kind: 'event' | 'always' | 'after', raw: unknown) => {
    let guardedBefore = false;
    for (const candidate of toArray(raw as unknown)) {
      const t = typeof candidate === 'string' ? { target: candidate } : isObj(candidate) ? candidate : null;
      if (!t) continue;
      const guard = guardName(t.guard ?? t.cond);
      const guardText = guard ? ` [${guard}]` : guardedBefore ? ' [else]' : '';
      if (guard) guardedBefore = true;
      const targets = toArray(t.target as string | string[]).filter((x): x is string => typeof x === 'string');
      const label = kind === 'always' ? `always${guardText}` : `${trigger}${guardText}`;
      transitions.push({ source, targets, label, plainEvent: kind === 'event' && !guardText ? trigger : null });
    }
  };
  for (const [id, cfg] of configs) {
    const source = states.get(id)!;
    if (isObj(cfg.on)) for (const [event, raw] of Object.entries(cfg.on)) collect(source, event || 'always', event ? 'event' : 'always', raw);
    if (cfg.always !== undefined) collect(source, '', 'always', cfg.always);
    if (isObj(cfg.after)) for (const [delay, raw] of Object.entries(cfg.after)) collect(source, `after ${delayText(delay)}`, 'after', raw);
    if (cfg.onDone !== undefined) collect(source, 'done', 'event', cfg.onDone);
    for (const inv of toArray(cfg.invoke as unknown)) {
      if (!isObj(inv)) continue;
      const name = typeof inv.src === 'string' ? inv.src : 'actor';
      if (inv.onDone !== undefined) collect(source, `done: ${name}`, 'event', inv.onDone);
      if (inv.onError !== undefined) collect(source, `error: ${name}`, 'event', inv.onError);
    }
  }

  const groups = new Map<string, { source: string; target: string; transitions: Transition[] }>();
  for (const t of transitions) {
    for (const targetText of t.targets) {
      const target = resolve(t.source, targetText);
      if (!target) continue;
      if (target !== t.source && isDescendant(target, t.source)) {
        if (!target.entryLabels.includes(t.label)) target.entryLabels.push(t.label);
        continue;
      }
      const key = `${t.source.id}\u0000${target.id}`;
      const group = groups.get(key) ?? { source: t.source.id, target: target.id, transitions: [] };
      group.transitions.push(t);
      groups.set(key, group);
    }
  }
  const folded = collapse(root, states, byPath, [...groups.values()], expanded);
  const edges = folded.map((g, i) => {
    const all = foldLabels(g.transitions);
    // Many reasons for one arrow (each refusal, each time-out) read as its first and a count; all are in `events`.
    const lines = all.length > 2 ? [all[0], `+ ${all.length - 1} more`] : all;
    return { id: `e${i}`, source: g.source, target: g.target, lines, events: all };
  });
  return { id: rootId, root, states, byPath, edges };
}

/** The `meta.jobcharts` mark the state builders (src/core/states.ts) put on shared request machinery. */
function markOf(meta: unknown): { summary: string | null; step: string | null } {
  const mark = isObj(meta) && isObj(meta.jobcharts) ? meta.jobcharts : {};
  return { summary: typeof mark.summary === 'string' ? mark.summary : null, step: typeof mark.step === 'string' ? mark.step : null };
}

/** Outside a request region, a lone request step and its waits (retry, back-off) are folded into the request's box. */
function foldSteps(parent: StateInfo, fold: (box: StateInfo, inner: StateInfo[]) => void): void {
  const requests = parent.children.filter((c) => c.step === 'request');
  const waits = parent.children.filter((c) => c.step === 'wait');
  if (requests.length !== 1 || waits.length === 0) return;
  parent.children = parent.children.filter((c) => !waits.includes(c));
  fold(requests[0], waits);
}

/**
 * Folds each collapsed region into one box: its states leave the model (their paths now name the box, so a job
 * inside lights the box), transitions from or to them start or end at the box, and those inside it disappear.
 */
function collapse(
  root: StateInfo,
  states: Map<string, StateInfo>,
  byPath: Map<string, string>,
  groups: Array<{ source: string; target: string; transitions: Transition[] }>,
  expanded: ReadonlySet<string> | 'all',
): Array<{ source: string; target: string; transitions: Transition[] }> {
  const boxOf = new Map<string, string>();
  const isOpen = (state: StateInfo) => expanded === 'all' || expanded.has(state.id);
  const into = (box: StateInfo, inner: StateInfo[]) => {
    for (const d of inner) {
      boxOf.set(d.id, box.id);
      states.delete(d.id);
      byPath.set(d.path.join('.'), box.id);
    }
    box.collapsed = true;
    box.hidden = inner.length;
  };
  const fold = (state: StateInfo) => {
    if (state.summary && state.children.length > 0 && !isOpen(state)) {
      into(state, descendants(state));
      state.children = [];
      state.initialId = null;
      return;
    }
    if (!state.summary && !state.children.some(isOpen)) foldSteps(state, (box, waits) => into(box, waits.flatMap((w) => [w, ...descendants(w)])));
    state.children.forEach(fold);
  };
  fold(root);
  if (boxOf.size === 0) return groups;
  const merged = new Map<string, { source: string; target: string; transitions: Transition[] }>();
  for (const g of groups) {
    const source = boxOf.get(g.source) ?? g.source;
    const target = boxOf.get(g.target) ?? g.target;
    if (source === target && g.source !== g.target) continue;
    const key = `${source}\u0000${target}`;
    const group = merged.get(key) ?? { source, target, transitions: [] };
    group.transitions.push(...g.transitions);
    merged.set(key, group);
  }
  return [...merged.values()];
}

function descendants(state: StateInfo): StateInfo[] {
  return state.children.flatMap((c) => [c, ...descendants(c)]);
}

function isDescendant(node: StateInfo, ancestor: StateInfo): boolean {
  for (let p = node.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

function guardName(guard: unknown): string | null {
  if (typeof guard === 'string') return guard;
  if (isObj(guard) && typeof guard.type === 'string') return guard.type === 'xstate.guard' ? 'guard' : guard.type;
  return null;
}

function delayText(delay: string): string {
  const ms = Number(delay);
  if (!Number.isFinite(ms)) return delay;
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const LINE_CHARS = 34;

/** `http.unauthorized`, `http.forbidden`… become `http.{unauthorized, forbidden, …}` wrapped to short lines. */
export function foldLabels(transitions: Array<{ label: string; plainEvent: string | null }>): string[] {
  const families = new Map<string, string[]>();
  const lines: string[] = [];
  for (const t of transitions) {
    if (t.plainEvent === null) {
      if (!lines.includes(t.label)) lines.push(t.label);
      continue;
    }
    const dot = t.plainEvent.lastIndexOf('.');
    const family = dot > 0 ? t.plainEvent.slice(0, dot + 1) : '';
    const names = families.get(family) ?? [];
    if (!names.includes(t.plainEvent.slice(family.length))) names.push(t.plainEvent.slice(family.length));
    families.set(family, names);
  }
  const folded: string[] = [];
  for (const [family, names] of families) {
    if (names.length < 3 || !family) {
      folded.push(...names.map((n) => family + n));
      continue;
    }
    folded.push(...wrap(`${family}{${names.join(', ')}}`));
  }
  return [...folded, ...lines];
}

function wrap(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > LINE_CHARS) {
      out.push(line);
      line = `  ${word}`;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

/** The ids of every active state (the root included) for a snapshot value. */
export function activeStateIds(model: ChartModel, value: unknown): Set<string> {
  const ids = new Set<string>([model.root.id]);
  const walk = (v: unknown, prefix: string[]) => {
    if (typeof v === 'string') {
      const id = model.byPath.get([...prefix, v].join('.'));
      if (id) ids.add(id);
      return;
    }
    if (!isObj(v)) return;
    for (const [key, inner] of Object.entries(v)) {
      const path = [...prefix, key];
      const id = model.byPath.get(path.join('.'));
      if (id) ids.add(id);
      walk(inner, path);
    }
  };
  walk(value, []);
  return ids;
}

/** A change of state a job made, `count` times: the state values before and after (as in its snapshots). */
export interface Move {
  from: unknown;
  to: unknown;
  count: number;
}

/**
 * Where a job has been, read from its moves: the states it was in, and how often it took each transition. A move
 * takes an edge when the edge's source was active before and its target, not active before, is active after.
 */
export function journeyOf(model: ChartModel, moves: readonly Move[]): { visited: Set<string>; taken: Map<string, number> } {
  const visited = new Set<string>();
  const taken = new Map<string, number>();
  for (const move of moves) {
    const before = activeStateIds(model, move.from);
    const after = activeStateIds(model, move.to);
    for (const id of before) visited.add(id);
    for (const id of after) visited.add(id);
    for (const edge of model.edges) {
      if (before.has(edge.source) && after.has(edge.target) && !before.has(edge.target)) taken.set(edge.id, (taken.get(edge.id) ?? 0) + move.count);
    }
  }
  return { visited, taken };
}
