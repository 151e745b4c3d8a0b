/**
 * Each step of a runner job restores the job in a new actor, which XState gives a new session id: streamed as it
 * is, the visualizer would draw every step as a job of its own. The inspector a step gets names the step's root
 * actor by the job's id instead, so every step of a job, in any process, lights up the same job. A step's actor
 * is stopped when the job waits: that is not the job's end, so it is not streamed, and a person's event from the
 * page (which `inspect()` sends the root actor it streamed) goes to the runner, to be applied by the next step.
 */
import type { AnyActorRef, EventObject, InspectionEvent, Observer } from 'xstate';
import { runnerJobSessionId } from '../inspect/session-ids.js';
import type { PersonEvent } from './types.js';

export function inspectAsJob(
  inspector: Observer<InspectionEvent>,
  jobId: string,
  sendToJob?: (event: PersonEvent) => void,
): Observer<InspectionEvent> {
  const sessionId = runnerJobSessionId(jobId);
  let root: AnyActorRef | undefined;
  const renamed = new WeakMap<AnyActorRef, AnyActorRef>();
  /** The actor as itself, but named by the job where it is the step's root (or its parent is). */
  const rename = (actor: AnyActorRef | undefined): AnyActorRef | undefined => {
    if (!actor || !root || (actor !== root && actor._parent !== root)) return actor;
    let proxy = renamed.get(actor);
    if (!proxy) {
      proxy = new Proxy(actor, {
        get(target, key) {
          if (key === 'sessionId' && target === root) return sessionId;
          if (target === root && key === 'send' && sendToJob) return (event: EventObject) => sendToJob(event as PersonEvent);
          if (target === root && key === 'getSnapshot') return () => stillWaiting(target.getSnapshot());
          if (key === '_parent' && target._parent === root) return rename(root);
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      renamed.set(actor, proxy);
    }
    return proxy;
  };
  return {
    next(event) {
      const stepStopped = event.type === '@xstate.snapshot' && event.actorRef === root && (event.snapshot as { status?: string }).status === 'stopped';
      if (stepStopped) return;
      if (!root && event.type === '@xstate.actor' && (event.actorRef as AnyActorRef)._parent === undefined) root = event.actorRef as AnyActorRef;
      const rootId = root && event.rootId === root.sessionId ? sessionId : event.rootId;
      const sourceRef = 'sourceRef' in event ? rename(event.sourceRef as AnyActorRef | undefined) : undefined;
      inspector.next?.({
        ...event,
        rootId,
        actorRef: rename(event.actorRef as AnyActorRef)!,
        ...('sourceRef' in event ? { sourceRef } : {}),
      } as InspectionEvent);
    },
    error: (error) => inspector.error?.(error),
    complete: () => inspector.complete?.(),
  };
}

/** A step's stopped actor is a job waiting in the store, still active. */
function stillWaiting<T extends { status?: string }>(snapshot: T): T {
  return snapshot.status === 'stopped' ? { ...snapshot, status: 'active' } : snapshot;
}
