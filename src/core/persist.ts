import type { AnyStateMachine } from 'xstate';
import { SNAPSHOT_SCHEMA_VERSION } from './job.js';
import { jobClockInvoke } from './states.js';

interface PersistedJob {
  status?: string;
  value?: unknown;
  context?: Record<string, unknown>;
  children?: Record<string, { src?: unknown } | undefined>;
}

/**
 * Makes a chart read persisted snapshots of the layouts it knows — its own, and the one before it, brought up to date
 * (see {@link fromVersion1}) — and refuse any other: such a snapshot restores into the chart's `rejected` end (kind
 * `invalid`, saying why) instead of running on a context it does not understand.
 */
export function withSnapshotVersion<M extends AnyStateMachine>(machine: M): M {
  const restore = machine.restoreSnapshot.bind(machine);
  machine.restoreSnapshot = ((snapshot: unknown, scope: unknown) => {
    const persisted = snapshot as PersistedJob | null;
    const context = persisted?.context;
    const version = context?.schemaVersion;
    if (version === SNAPSHOT_SCHEMA_VERSION) return restore(snapshot as never, scope as never);
    if (version === 1) return restore(fromVersion1(machine, persisted!) as never, scope as never);
    const message = `cannot restore this snapshot: its schema version is ${JSON.stringify(version ?? null)}, this jobcharts reads versions 1 and ${SNAPSHOT_SCHEMA_VERSION}`;
    const jobId = context?.jobId;
    const outcome = {
      status: 'rejected',
      ...(jobId === null || jobId === undefined ? {} : { jobId }),
      error: { kind: 'invalid', message },
    };
    return machine.resolveState({
      value: 'rejected',
      context: { ...context, inputProblem: message, outcome },
      output: outcome,
    });
  }) as M['restoreSnapshot'];
  return machine;
}

/**
 * Version 1 timed every wait with an actor the wait state invoked (`timer`); version 2 has one clock per job,
 * invoked at the root (see clock.ts), and a person's wait ends at `wakeAt` too. So a version 1 snapshot of a
 * running job loses its `timer` child and gains the clock, and one waiting for a person gets the person's
 * limit as its `wakeAt`. The rest of the layout is the same.
 */
function fromVersion1(machine: AnyStateMachine, snapshot: PersistedJob): PersistedJob {
  const context: Record<string, unknown> = { ...snapshot.context, schemaVersion: SNAPSHOT_SCHEMA_VERSION };
  if (snapshot.status !== 'active') return { ...snapshot, context };
  const children = Object.fromEntries(Object.entries(snapshot.children ?? {}).filter(([, child]) => child?.src !== 'timer'));
  children[jobClockInvoke.id] = { snapshot: { status: 'active' }, src: jobClockInvoke.src, syncSnapshot: false } as never;
  const limit = context.personDeadlineAt;
  const waitsForPerson = machine.resolveState({ value: snapshot.value as never, context }).hasTag('needs-input');
  if (waitsForPerson && typeof limit === 'number') Object.assign(context, { wakeAt: limit, waitReason: 'person' });
  return { ...snapshot, context, children };
}
