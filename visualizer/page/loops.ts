/**
 * Loops in a chart (Cata's question: `polling → needsClarification → polling`). elkjs turns some of a loop's arrows
 * around before it layers the states; which ones decides how tall or wide the drawing is, so a chart with a loop is
 * laid out both ways (layout.ts keeps the smaller).
 */
import type { ChartModel, StateInfo } from './describe.js';

/** GREEDY (elkjs' default) first: it wins a tie. DEPTH_FIRST keeps the order a job goes through the states. */
export const CYCLE_BREAKING = ['GREEDY', 'DEPTH_FIRST'];

/**
 * Whether the drawn arrows make a loop among the states elkjs layers together (the children of the arrow's
 * common ancestor): Cata's `polling → needsClarification → polling`. Without one, both ways lay out the same.
 */
export function hasLoop(model: ChartModel, lca: (a: StateInfo, b: StateInfo) => StateInfo): boolean {
  const next = new Map<string, Set<string>>();
  for (const edge of model.edges) {
    let [from, to] = [model.states.get(edge.source)!, model.states.get(edge.target)!];
    if (to.kind === 'final' || from === to) continue;
    const common = lca(from, to);
    while (from.parent && from.parent !== common) from = from.parent;
    while (to.parent && to.parent !== common) to = to.parent;
    if (from !== to) next.set(from.id, (next.get(from.id) ?? new Set()).add(to.id));
  }
  const done = new Set<string>();
  const onPath = new Set<string>();
  const visit = (id: string): boolean => {
    if (onPath.has(id)) return true;
    if (done.has(id)) return false;
    onPath.add(id);
    const looped = [...(next.get(id) ?? [])].some(visit);
    onPath.delete(id);
    done.add(id);
    return looped;
  };
  return [...next.keys()].some(visit);
}
