/**
 * XState numbers actor sessions per process (`x:0`, `x:1`…), so two producer processes both stream a `x:0`. A
 * session id gets a mark after `@` to tell them apart: `inspect()` marks with its process (`x:0@5f3a9c1e`), the
 * visualizer's hub marks what a producer left unmarked with its connection (`x:0@c2`).
 */

/** The fields of an inspection frame that name an actor by its session id. */
const SESSION_FIELDS = ['sessionId', 'parentId', 'rootId', 'sourceId', 'targetId'] as const;

/** Rewrites, in place, every session id `frame` carries with `mark`; returns the frame. */
export function markSessionIds<T>(frame: T, mark: (id: string) => string): T {
  const fields = frame as Record<string, unknown>;
  for (const field of SESSION_FIELDS) if (typeof fields[field] === 'string' && fields[field] !== '') fields[field] = mark(fields[field]);
  return frame;
}

/** Whether a session id already carries a mark (`x:0@…`). */
export const isMarked = (id: string): boolean => id.includes('@');

/**
 * A runner job's session id: every step of the job, in whichever process takes it, streams its root actor under it,
 * so the visualizer draws one job however many steps and workers it takes.
 */
export const runnerJobSessionId = (jobId: string): string => `job:${jobId}`;

/** The runner job a session id names (`job:<id>`, with or without a mark), else undefined. */
export function runnerJobSession(sessionId: string): string | undefined {
  if (!sessionId.startsWith('job:')) return undefined;
  const at = sessionId.indexOf('@');
  return at === -1 ? sessionId : sessionId.slice(0, at);
}
