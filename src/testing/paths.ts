/**
 * Generates lifecycle paths from a chart with `xstate/graph`: the chart is the model. The model's events are
 * what the outside world can do in each state — the provider's answers to the request in flight, the end of the
 * current wait, a person's events — and the paths are chosen so that together they take every transition of the
 * chart, use every kind of answer at least once, and each end in a final state.
 */
import {
  createActor,
  getNextSnapshot,
  SimulatedClock,
  type AnyActorLogic,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
} from 'xstate';
import { getAdjacencyMap, getShortestPaths, type AdjacencyMap } from 'xstate/graph';
import { chartInventory } from './chart.js';
import type {
  AnswerVariant,
  ChartAdapter,
  ExpectedRequest,
  LifecyclePath,
  ModelEvent,
  PathStep,
  ScriptedAnswer,
  StartMode,
} from './types.js';

/** The model's clock: fixed, so `at` stamps and deadlines are reproducible. */
const MODEL_START = Date.UTC(2026, 0, 1);

type Snapshot = AnyMachineSnapshot;

/** A model event with how it is produced in the real world. */
interface ModelMove {
  kind: PathStep['kind'];
  label: string;
  event: ModelEvent;
  answer?: ScriptedAnswer;
  inFlight?: ScriptedAnswer;
  late?: boolean;
}

interface Edge {
  from: string;
  to: string;
  move: ModelMove;
  /** Chart transitions, states and answer kinds this step takes (what it contributes to coverage). */
  covers: string[];
}

const isDone = (s: Snapshot) => s.status === 'done';

/** Requests in flight in a state: the invoked actors of its states tagged `requesting`. */
function callsInFlight(snapshot: Snapshot): string[] {
  const nodes = (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
  return nodes
    .filter((n) => n.tags.includes('requesting'))
    .flatMap((n) => n.invoke.map((i: { src: unknown }) => (typeof i.src === 'string' ? i.src : String(i.src))));
}

function stamp(event: ModelEvent, at: number): ModelEvent {
  return { ...event, at };
}

export function modelMoves(adapter: ChartAdapter, model: ModelChart, snapshot: Snapshot): ModelMove[] {
  if (snapshot.status !== 'active') return [];
  const context = snapshot.context as { deadlineAt: number | null };
  const onTime = MODEL_START;
  const late = context.deadlineAt;
  const moves: ModelMove[] = [];
  const serial = serializer(adapter);
  const calls = callsInFlight(snapshot);
  for (const call of calls) {
    const variants = adapter.answersFor?.(call, snapshot.context as Record<string, unknown>) ?? adapter.answers[call] ?? [];
    for (const variant of variants) {
      const answer = answerOf(call, variant);
      const move: ModelMove = { kind: 'answer', label: variant.label, event: stamp(variant.event, onTime), answer };
      moves.push(move);
      if (late === null) continue;
      const lateMove: ModelMove = { ...move, event: stamp(variant.event, late), late: true, label: `${variant.label}, past the deadline` };
      if (lateMatters(model, snapshot, move.event, lateMove.event, serial)) moves.push(lateMove);
    }
  }
  const budget = budgetPhase(snapshot);
  if (budget === 'queued') {
    // What the key's shared budget does here (src/core/budget-registry.ts): the first request of a configured budget and
    // every request of a learnt one go at once; later requests of a slow configured budget wait their moment.
    const paced = snapshot.context.options.rateLimit !== undefined && snapshot.context[GRANTED] === true;
    moves.push(
      paced
        ? { kind: 'auto', label: 'budget.paced', event: stamp({ type: 'budget.paced', until: onTime }, onTime) }
        : { kind: 'auto', label: 'budget.granted', event: stamp({ type: 'budget.granted' }, onTime) },
    );
  } else if (budget === 'paced') {
    const move: ModelMove = { kind: 'timer', label: 'budget.granted', event: stamp({ type: 'budget.granted' }, onTime) };
    moves.push(move);
    if (late !== null) {
      const lateMove: ModelMove = { ...move, event: stamp(move.event, late), late: true, label: 'budget.granted, past the deadline' };
      if (lateMatters(model, snapshot, move.event, lateMove.event, serial)) moves.push(lateMove);
    }
  } else if (snapshot.hasTag('waiting') || (snapshot.context.wakeAt !== null && snapshot.can({ type: 'timer.due', at: onTime } as never))) {
    // A wait, or a person's time running out (Cata's question, markdown2pdf's payment): the job's clock fires at `wakeAt`.
    moves.push({ kind: 'timer', label: 'timer.due', event: stamp({ type: 'timer.due' }, onTime) });
  }
  for (const person of [{ label: 'CANCEL', event: { type: 'CANCEL' } }, ...(adapter.personEvents ?? [])]) {
    if (!snapshot.can(person.event as never)) continue;
    // A request in flight hangs until the person acts, unless the chart waits for its answer after the event (a
    // CANCEL during a create without idempotency key): the event then goes before the answer, which comes as usual.
    const keptOut = calls.length > 0 && callsInFlight(getNextSnapshot(model.logic, snapshot, person.event as never) as Snapshot).includes(calls[0]);
    const inFlight = calls.length && !keptOut ? { call: calls[0], step: { fault: 'hang' } } : undefined;
    moves.push({ kind: 'person', label: person.label, event: person.event, ...(inFlight ? { inFlight } : {}) });
  }
  return moves;
}

/** Late only where lateness changes the outcome, and only into an end: the real clock cannot go back. */
function lateMatters(model: ModelChart, snapshot: Snapshot, onTime: ModelEvent, late: ModelEvent, serial: (s: Snapshot) => string) {
  const next = getNextSnapshot(model.logic, snapshot, late as never) as Snapshot;
  return isDone(next) && serial(next) !== serial(getNextSnapshot(model.logic, snapshot, onTime as never) as Snapshot);
}

/** Where the job is in a `waitingForBudget` state (see src/core/states.ts `budgetState`), if it is in one. */
function budgetPhase(snapshot: Snapshot): 'queued' | 'paced' | null {
  const nodes = (snapshot as unknown as { _nodes: AnyStateNode[] })._nodes;
  const node = nodes.find((n) => n.parent?.key === 'waitingForBudget');
  return node ? (node.key as 'queued' | 'paced') : null;
}

function answerOf(call: string, variant: AnswerVariant): ScriptedAnswer {
  return variant.step === undefined ? { call } : { call, step: variant.step };
}

/** The model state's identity: where the job is, plus the context its guards read. */
export function serializer(adapter: ChartAdapter) {
  return (snapshot: Snapshot): string => {
    const context = snapshot.context as Record<string, unknown>;
    const budget = [context[LEARNT] === true, context[GRANTED] === true];
    return JSON.stringify([snapshot.status, snapshot.value, context.retries, budget, adapter.modelKey?.(context) ?? null]);
  };
}

/**
 * The shared rate budget of a key is process-wide state (src/core/budget-registry.ts) that the chart's `needsBudget` guard
 * reads. The model keeps what the budget would know in two context fields of its own: whether a 429 taught the key
 * a budget, and whether the budget has let a request go since its rate was last reset. Only the model has them.
 */
const LEARNT = '~model.budgetLearnt';
const GRANTED = '~model.budgetGranted';

export interface ModelChart {
  chart: AnyStateMachine;
  /** The chart's logic with the budget bookkeeping after each step: what `xstate/graph` traverses. */
  logic: AnyActorLogic;
}

export function modelChart(adapter: ChartAdapter): ModelChart {
  const chart = adapter.chart.provide({
    guards: {
      needsBudget: ({ context }: { context: Record<string, unknown> & { options: { rateLimit?: unknown } } }) =>
        context.options.rateLimit !== undefined || context[LEARNT] === true,
    },
  } as never) as AnyStateMachine;
  const logic = Object.create(chart) as AnyStateMachine;
  logic.transition = ((snapshot: Snapshot, event: EventObject, scope: never) =>
    withBudgetBookkeeping(chart.transition(snapshot, event as never, scope) as Snapshot, event)) as never;
  return { chart, logic };
}

function withBudgetBookkeeping(next: Snapshot, event: EventObject): Snapshot {
  const context = next.context as Record<string, unknown>;
  let extra: Record<string, unknown> | null = null;
  // A 429 the job waits out teaches the key a budget, and resets its pacing: the next request goes at once.
  if (event.type === 'http.rateLimited' && context.waitReason === 'rateLimited' && !isDone(next)) extra = { [LEARNT]: true, [GRANTED]: false };
  else if (event.type === 'budget.granted') extra = { [GRANTED]: true };
  if (!extra) return next;
  return { ...next, context: { ...context, ...extra } } as Snapshot;
}

/** The model's first snapshot, made by an actor that is never started, on the model's clock. */
function modelStart(adapter: ChartAdapter, model: ModelChart, start: StartSpec) {
  const clock = new SimulatedClock();
  clock.set(MODEL_START);
  const microsteps: { transitions: AnyTransitionDefinition[]; nodes: AnyStateNode[] }[] = [];
  const probe = createActor(model.chart, {
    clock,
    input: { ...adapter.modelInput(start.mode), options: start.options },
    inspect: (e) => {
      if (e.type !== '@xstate.microstep') return;
      const m = e as unknown as { _transitions: AnyTransitionDefinition[]; snapshot: { _nodes: AnyStateNode[] } };
      microsteps.push({ transitions: m._transitions, nodes: m.snapshot._nodes });
    },
  });
  const scope = (probe as unknown as { _actorScope: unknown })._actorScope;
  /** Runs one model step and returns what it covers. */
  const take = (snapshot: Snapshot, event: ModelEvent) => {
    microsteps.length = 0;
    const next = model.logic.transition(snapshot, event as never, scope as never) as Snapshot;
    return { next, taken: microsteps.splice(0) };
  };
  const initialTaken = microsteps.splice(0);
  return { snapshot: probe.getSnapshot() as Snapshot, initialTaken, take };
}

/** Where a final state name comes from: the last segment of the value. */
function endOf(snapshot: Snapshot): string {
  const value = snapshot.value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Preference of ends when finishing a path: the happy end first. */
const END_COST: Record<string, number> = { succeeded: 0, failed: 4, rejected: 8, timedOut: 8, cancelled: 40 };
const moveCost = (move: ModelMove) => 1 + (move.late ? 20 : 0) + (move.kind === 'person' ? 40 : 0);

/** Every lifecycle path of the chart that {@link ChartAdapter} describes. */
/** A way to start the job: submit / attach / invalid input, with the options of the path. */
interface StartSpec {
  mode: StartMode;
  options: LifecyclePath['options'];
}

/** A configured budget this slow paces every request after the first (a wait far shorter than 100 s comes between). */
const SLOW_BUDGET = { requestsPerSecond: 0.01 };

function startsOf(adapter: ChartAdapter): StartSpec[] {
  const starts: StartSpec[] = adapter.starts.map((mode) => ({ mode, options: adapter.options }));
  const budgeted = chartInventory(adapter.chart).states.some((id) => id.endsWith('.waitingForBudget'));
  if (budgeted && adapter.starts.includes('submit')) starts.push({ mode: 'submit', options: { ...adapter.options, rateLimit: SLOW_BUDGET } });
  return starts;
}

export function generatePaths(adapter: ChartAdapter): LifecyclePath[] {
  const model = modelChart(adapter);
  const inventory = chartInventory(model.chart);
  const serial = serializer(adapter);
  const covered = new Set<string>();
  const paths: LifecyclePath[] = [];
  const seen = new Set<string>();

  for (const start of startsOf(adapter)) {
    const begin = modelStart(adapter, model, start);
    const coversOf = (taken: { transitions: AnyTransitionDefinition[]; nodes: AnyStateNode[] }[], move?: ModelMove) => {
      const ids = new Set<string>();
      for (const m of taken) {
        for (const t of m.transitions) {
          const known = inventory.byDefinition.get(t);
          if (known) ids.add(`t:${known.id}`);
        }
        for (const n of m.nodes) ids.add(`s:${n.id}`);
      }
      if (move && !move.late) ids.add(`a:${move.kind}:${move.answer?.call ?? ''}:${move.label}`);
      return [...ids];
    };
    const options = {
      fromState: begin.snapshot,
      serializeState: serial,
      events: (s: Snapshot) => modelMoves(adapter, model, s).map((m) => ({ ...m.event, '~move': m })),
    };
    const adjacency = getAdjacencyMap(model.logic, options as never) as AdjacencyMap<Snapshot, ModelEvent>;
    const shortest = new Map<string, { event: ModelEvent; state: Snapshot }[]>();
    for (const path of getShortestPaths(model.logic, options as never)) {
      shortest.set(serial(path.state as Snapshot), path.steps.slice(1) as never);
    }

    const edges: Edge[] = [];
    const outgoing = new Map<string, Edge[]>();
    for (const [from, value] of Object.entries(adjacency)) {
      for (const { event, state } of Object.values(value.transitions) as { event: ModelEvent; state: Snapshot }[]) {
        const move = (event as unknown as { '~move': ModelMove })['~move'];
        const to = serial(state);
        const { taken } = begin.take(value.state, move.event);
        // A step that changes nothing is no step, unless it takes a transition (e.g. a refused ANSWER's action).
        if (to === from && !taken.some((m) => m.transitions.some((t) => inventory.byDefinition.has(t)))) continue;
        const edge: Edge = { from, to, move, covers: coversOf(taken, move) };
        edges.push(edge);
        if (!outgoing.has(from)) outgoing.set(from, []);
        outgoing.get(from)!.push(edge);
      }
    }
    const finish = cheapestEnds(adjacency, outgoing, serial);
    const initialSerial = serial(begin.snapshot);
    const initialCovers = coversOf(begin.initialTaken).concat(
      (begin.snapshot as unknown as { _nodes: AnyStateNode[] })._nodes.map((n) => `s:${n.id}`),
    );
    const moveKey = (m: ModelMove) => `${m.kind}:${m.answer?.call ?? ''}:${m.label}`;
    const edgeOf = (from: string, event: ModelEvent) => {
      const wanted = moveKey((event as unknown as { '~move': ModelMove })['~move']);
      return (outgoing.get(from) ?? []).find((e) => moveKey(e.move) === wanted);
    };

    const depth = (e: Edge) => (e.from === initialSerial ? 0 : (shortest.get(e.from)?.length ?? Infinity));
    const ordered = edges.filter((e) => Number.isFinite(depth(e))).sort((a, b) => depth(a) - depth(b));
    const candidates: Edge[][] = [];
    if (isDone(begin.snapshot)) candidates.push([]);
    for (const edge of ordered) {
      if (edge.covers.every((c) => covered.has(c)) && (candidates.length || initialCovers.every((c) => covered.has(c)))) continue;
      const prefix: Edge[] = [];
      let at = initialSerial;
      for (const step of shortest.get(edge.from) ?? []) {
        const e = edgeOf(at, step.event);
        if (!e) throw new Error(`${adapter.chart.id}: no model edge for ${step.event.type} from ${at}`);
        prefix.push(e);
        at = e.to;
      }
      const route = [...prefix, edge, ...finish(edge.to)];
      const key = route.map((e) => `${e.from}>${e.move.label}`).join('\n');
      if (seen.has(key)) continue;
      seen.add(key);
      for (const c of initialCovers) covered.add(c);
      for (const e of route) for (const c of e.covers) covered.add(c);
      candidates.push(route);
    }
    for (const route of candidates) {
      const snapshots = new Map<string, Snapshot>(Object.entries(adjacency).map(([k, v]) => [k, v.state]));
      paths.push(toLifecyclePath(adapter, start, paths.length, begin.snapshot, route, snapshots, initialCovers));
    }
  }
  return paths;
}

/** For each model state, the cheapest way to an end (Dijkstra backwards from the final states). */
function cheapestEnds(adjacency: AdjacencyMap<Snapshot, ModelEvent>, outgoing: Map<string, Edge[]>, serial: (s: Snapshot) => string) {
  const cost = new Map<string, number>();
  const via = new Map<string, Edge>();
  for (const [key, value] of Object.entries(adjacency)) {
    if (isDone(value.state)) cost.set(key, END_COST[endOf(value.state)] ?? 10);
  }
  // Few states: relax until nothing changes (Bellman-Ford), simpler than a heap and fast enough.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [from, list] of outgoing) {
      for (const edge of list) {
        const c = cost.get(edge.to);
        if (c === undefined) continue;
        const total = c + moveCost(edge.move);
        if (total < (cost.get(from) ?? Infinity)) {
          cost.set(from, total);
          via.set(from, edge);
          changed = true;
        }
      }
    }
  }
  void serial;
  return (from: string): Edge[] => {
    const route: Edge[] = [];
    for (let at = from; via.has(at); at = via.get(at)!.to) route.push(via.get(at)!);
    return route;
  };
}

function toLifecyclePath(
  adapter: ChartAdapter,
  start: StartSpec,
  index: number,
  initial: Snapshot,
  route: Edge[],
  snapshots: Map<string, Snapshot>,
  initialCovers: string[],
): LifecyclePath {
  const answers: ScriptedAnswer[] = [];
  const requests: ExpectedRequest[] = [];
  const requestOf = (a: ScriptedAnswer): ExpectedRequest => ({
    call: a.call,
    method: adapter.methods[a.call] ?? 'GET',
    answer: a.step ? expectedLogAnswer(a) : (adapter.okStatus?.[a.call] ?? 200),
  });
  const steps: PathStep[] = route.map((edge) => {
    const { at: _at, ...event } = edge.move.event;
    void _at;
    if (event.type === 'budget.paced') delete event.until;
    const scripted = edge.move.answer ?? edge.move.inFlight;
    if (scripted) {
      answers.push(scripted);
      requests.push(requestOf(scripted));
    }
    const state = snapshots.get(edge.to)!;
    const step: PathStep = {
      kind: edge.move.kind,
      label: edge.move.label,
      event,
      ...(edge.move.answer ? { answer: edge.move.answer } : {}),
      ...(edge.move.inFlight ? { inFlight: edge.move.inFlight } : {}),
      ...(edge.move.late ? { late: true } : {}),
      expect: { value: state.value, done: isDone(state) },
      requests: [...requests],
    };
    const inFlight = isDone(state) ? [] : callsInFlight(state);
    if (inFlight.length) step.inFlightAfter = inFlight[0];
    if (edge.move.kind === 'auto' && event.type === 'budget.granted') step.mayWaitForBudget = true;
    return step;
  });
  const last = route.length ? snapshots.get(route[route.length - 1].to)! : initial;
  const end = endOf(last);
  const transitions = new Set<string>();
  for (const c of [...initialCovers, ...route.flatMap((e) => e.covers)]) if (c.startsWith('t:')) transitions.add(c.slice(2));
  const labels = steps.map((s) => s.label);
  return {
    id: `${adapter.chart.id}#${String(index + 1).padStart(2, '0')}`,
    chart: adapter.chart.id,
    description: `${start.mode}${start.options.rateLimit ? ' (rate limit configured)' : ''}: ${labels.length ? labels.join(' → ') : '(nothing sent)'} ⇒ ${end}`,
    start: start.mode,
    options: start.options,
    initial: { value: initial.value, done: isDone(initial) },
    answers,
    steps,
    end,
    transitions: [...transitions],
  };
}

/** What the simulator's log records for a scripted answer: the HTTP status, or the wire fault's name. */
export function expectedLogAnswer(answer: ScriptedAnswer): number | string {
  const step = answer.step;
  if (!step) return 200;
  if (typeof step.http === 'number') return step.http;
  if (typeof step.fault === 'string') return step.fault;
  return 200;
}
