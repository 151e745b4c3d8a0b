import type { AnyActorScope, AnyStateMachine } from 'xstate';
import { SNAPSHOT_SCHEMA_VERSION } from './context.js';
import { checkedSnapshot, refusedSnapshot, type RestoreSpec } from './restore.js';

interface PersistedJob {
  status?: string;
  value?: unknown;
  context?: Record<string, unknown>;
  children?: Record<string, { src?: unknown } | undefined>;
}

/**
 * Makes a chart restore persisted snapshots safely (see restore.ts): a snapshot of the layouts it knows — its own, and
 * the one before it, brought up to date (see {@link fromVersion1}) — is checked against the chart's schema and the
 * restore input, and its actors are made again from the chart. Any other snapshot (another version, provider or base
 * URL, a context that does not parse) restores into the chart's `rejected` end (kind `invalid`, saying why) instead of
 * running on a context it does not understand: no request is sent.
 */
export function withSnapshotVersion<M extends AnyStateMachine, TRequest>(machine: M, spec: RestoreSpec<TRequest>): M {
  const restore = machine.restoreSnapshot.bind(machine);
  const restoreSpec = spec as unknown as RestoreSpec<unknown>;
  machine.restoreSnapshot = ((snapshot: unknown, scope: AnyActorScope) => {
    const persisted = (snapshot && typeof snapshot === 'object' ? snapshot : {}) as PersistedJob;
    const version = persisted.context?.schemaVersion;
    const current = version === 1 ? fromVersion1(machine, persisted) : persisted;
    const checked =
      version === 1 || version === SNAPSHOT_SCHEMA_VERSION
        ? checkedSnapshot(machine, restoreSpec, current, scope)
        : { problem: `its schema version is ${JSON.stringify(version ?? null)}, this jobcharts reads versions 1 and ${SNAPSHOT_SCHEMA_VERSION}` };
    if ('problem' in checked) return refusedSnapshot(machine, restoreSpec, persisted, scope, checked.problem);
    return restore(checked.snapshot as never, scope as never);
  }) as M['restoreSnapshot'];
  return machine;
}

/**
 * Version 1 timed every wait with an actor the wait state invoked (`timer`); version 2 has one clock per job (an
 * invoked actor at first, now part of the job's logic: see clock.ts), and a person's wait ends at `wakeAt` too. The
 * actors are made again from the chart on restore (the `timer` child goes); a version 1 job waiting for a person gets
 * the person's limit as its `wakeAt`. The rest of the layout is the same.
 */
function fromVersion1(machine: AnyStateMachine, snapshot: PersistedJob): PersistedJob {
  const context: Record<string, unknown> = { ...snapshot.context, schemaVersion: SNAPSHOT_SCHEMA_VERSION };
  if (snapshot.status !== 'active') return { ...snapshot, context };
  const limit = context.personDeadlineAt;
  if (waitsForPerson(machine, snapshot.value) && typeof limit === 'number') Object.assign(context, { wakeAt: limit, waitReason: 'person' });
  return { ...snapshot, context };
}

function waitsForPerson(machine: AnyStateMachine, value: unknown): boolean {
  try {
    return machine.resolveState({ value: value as never, context: {} }).hasTag('needs-input');
  } catch {
    return false; // not a state of the chart: the check refuses it
  }
}
