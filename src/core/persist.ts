import type { AnyStateMachine } from 'xstate';
import { SNAPSHOT_SCHEMA_VERSION } from './job.js';

/**
 * Makes a chart refuse persisted snapshots of another context layout. Such a snapshot restores into the
 * chart's `rejected` end (kind `invalid`, saying why) instead of running on a context it does not understand.
 */
export function withSnapshotVersion<M extends AnyStateMachine>(machine: M): M {
  const restore = machine.restoreSnapshot.bind(machine);
  machine.restoreSnapshot = ((snapshot: unknown, scope: unknown) => {
    const context = (snapshot as { context?: Record<string, unknown> } | null)?.context;
    const version = context?.schemaVersion;
    if (version === SNAPSHOT_SCHEMA_VERSION) return restore(snapshot as never, scope as never);
    const message = `cannot restore this snapshot: its schema version is ${JSON.stringify(version ?? null)}, this jobcharts reads version ${SNAPSHOT_SCHEMA_VERSION}`;
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
