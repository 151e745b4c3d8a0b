import type { AnyActorScope, AnyStateMachine } from 'xstate';
import { runJobClock } from './clock.js';
import { withSnapshotVersion } from './persist.js';
import type { RestoreSpec } from './restore.js';

/**
 * A chart's logic as the factory ships it: XState's machine, which restores persisted snapshots safely (persist.ts)
 * and starts the job's clock with the job (clock.ts), fresh or restored. Both stay with the machine that
 * `provide()` makes (an app's or a test's own actors and guards): XState's `provide` builds a plain machine.
 */
export function jobLogic<M extends AnyStateMachine>(machine: M, spec: RestoreSpec<unknown>): M {
  withSnapshotVersion(machine, spec);
  // XState's actor calls `logic.start(snapshot, actorScope)`; a machine's own `start` reads only the snapshot.
  const start = machine.start.bind(machine) as (snapshot: unknown, scope: AnyActorScope) => void;
  machine.start = ((snapshot: unknown, scope: AnyActorScope) => {
    start(snapshot, scope);
    runJobClock(scope.self);
  }) as M['start'];
  const provide = machine.provide.bind(machine);
  machine.provide = ((implementations: never) => jobLogic(provide(implementations), spec)) as M['provide'];
  return machine;
}
