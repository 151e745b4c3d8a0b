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
}

export interface EdgeInfo {
  id: string;
  source: string;
  target: string;
  /** One line per event (similar events folded together). */
  lines: string[];
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

export function describeChart(config: unknown): ChartModel {
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
  const edges = [...groups.values()].map((g, i) => ({ id: `e${i}`, source: g.source, target: g.target, lines: foldLabels(g.transitions) }));
  return { id: rootId, root, states, byPath, edges };
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
