/**
 * What a chart contains, counted from its definition: every state node (all regions, the poller's included)
 * and every transition — one per (source state, event, guarded branch, targets), walking `on`, `always`,
 * invoke `onDone`/`onError` and `after` from `machine.root`. Coverage is measured against these lists.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate/graph';

export interface ChartTransition {
  /** `<source id>|<event>|<branch index>`, stable for a given chart definition. */
  id: string;
  source: string;
  event: string;
  /** Position among the guarded branches for this event on this state (0 = first tried). */
  branch: number;
  guard: string | null;
  targets: string[];
}

export interface ChartInventory {
  chart: string;
  /** Every state node id except the machine's root. */
  states: string[];
  transitions: ChartTransition[];
  /** The definition object of each transition, to recognise it in inspection events. */
  byDefinition: Map<AnyTransitionDefinition, ChartTransition>;
}

const ALWAYS = '(always)';

export function chartInventory(machine: AnyStateMachine): ChartInventory {
  const nodes: AnyStateNode[] = [machine.root, ...getStateNodes(machine.root)];
  const transitions: ChartTransition[] = [];
  const byDefinition = new Map<AnyTransitionDefinition, ChartTransition>();
  const add = (node: AnyStateNode, event: string, list: readonly AnyTransitionDefinition[]) => {
    list.forEach((definition, branch) => {
      const transition: ChartTransition = {
        id: `${node.id}|${event}|${branch}`,
        source: node.id,
        event,
        branch,
        guard: guardName(definition),
        targets: (definition.target ?? []).map((t: AnyStateNode) => t.id),
      };
      transitions.push(transition);
      byDefinition.set(definition, transition);
    });
  };
  for (const node of nodes) {
    for (const [event, list] of node.transitions) add(node, event, list);
    if (node.always) add(node, ALWAYS, node.always);
  }
  return { chart: machine.id, states: nodes.slice(1).map((n) => n.id), transitions, byDefinition };
}

function guardName(definition: AnyTransitionDefinition): string | null {
  const guard = definition.guard as unknown;
  if (guard == null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in (guard as object)) return String((guard as { type: unknown }).type);
  return (guard as { name?: string }).name || 'inline';
}

export interface Tally {
  covered: number;
  total: number;
}

export interface ChartCoverage {
  states: Tally;
  transitions: Tally;
  missedStates: string[];
  missedTransitions: string[];
}

/**
 * Records which states and transitions real executions took, from the actors' `@xstate.microstep`
 * inspection events: each carries the transitions it took (`_transitions`, the chart's own definition
 * objects) and the snapshot it reached. The source of a taken transition was active too (this is how a
 * transient state such as `starting`, left by an `always` at once, is seen).
 */
export class CoverageRecorder {
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();

  constructor(readonly inventory: ChartInventory) {}

  /** An inspection observer: pass it as `createActor(chart, { inspect: recorder.inspect })`. */
  readonly inspect = (event: { type: string }): void => {
    if (event.type !== '@xstate.microstep') return;
    const e = event as { snapshot?: { machine?: AnyStateMachine; _nodes?: AnyStateNode[] }; _transitions?: AnyTransitionDefinition[] };
    if (e.snapshot?.machine?.root !== undefined && e.snapshot.machine.id !== this.inventory.chart) return;
    for (const node of e.snapshot?._nodes ?? []) this.states.add(node.id);
    for (const definition of e._transitions ?? []) {
      const transition = this.inventory.byDefinition.get(definition);
      if (!transition) continue;
      this.transitions.add(transition.id);
      this.states.add(transition.source);
    }
  };

  /** Snapshots observed directly (e.g. a restored snapshot, which no microstep announces). */
  observeSnapshot(snapshot: { _nodes?: AnyStateNode[] }): void {
    for (const node of snapshot._nodes ?? []) this.states.add(node.id);
  }

  coverage(): ChartCoverage {
    const known = new Set(this.inventory.states);
    const states = [...this.states].filter((s) => known.has(s));
    return {
      states: { covered: states.length, total: this.inventory.states.length },
      transitions: { covered: this.transitions.size, total: this.inventory.transitions.length },
      missedStates: this.inventory.states.filter((s) => !this.states.has(s)),
      missedTransitions: this.inventory.transitions.map((t) => t.id).filter((id) => !this.transitions.has(id)),
    };
  }
}
