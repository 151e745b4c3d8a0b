import type { PersonEvent } from '../src/inspect/person-events.js';

/** What the hub and the page say to each other over the page's WebSocket (`PAGE_SOCKET_PATH`). */

/** Producers may use any other path; the page uses this one. */
export const PAGE_SOCKET_PATH = '/_jobcharts/page';

/**
 * The query parameter that carries a per-start token: the page's (in the page URL and its socket's URL) or the
 * producers' (in the producer URL). A connection without the right one is refused.
 */
export const TOKEN_PARAM = 'token';

/** A chart to draw: the machine's config as plain JSON (`machine.config`, functions dropped). */
export interface ChartSource {
  id: string;
  title: string;
  /** One line: what the provider makes. */
  summary: string;
  config: unknown;
  /** `registry`: shipped with jobcharts; `live`: learnt from a producer's actor. */
  origin: 'registry' | 'live';
}

export type TimelineKind = 'start' | 'request' | 'answer' | 'wait' | 'rateLimited' | 'retry' | 'refusal' | 'person' | 'end' | 'event';

export interface TimelineEntry {
  seq: number;
  /** Wall-clock time the producer saw it (ms). */
  at: number;
  kind: TimelineKind;
  title: string;
  detail?: string;
  /** The job as it was just after this entry, for replay: its state value and its context (summarised if large). */
  value?: unknown;
  context?: Record<string, unknown> | null;
}

/** One live (or finished) job as the page lists and details it. Everything in it has been redacted. */
export interface JobView {
  /** Unique per hub: the producer connection and the actor's session id; a runner job's `job:<id>` alone. */
  key: string;
  /**
   * The actor's `sessionId`, unique per hub: as `inspect()` marked it with its process (`x:0@5f3a9c1e`), or with
   * the hub's mark of the producer's connection when the producer left it plain (`x:0@c2`, the stock inspector);
   * a runner job's is `job:<id>`, whichever worker streams its steps.
   */
  sessionId: string;
  /** The chart's id (the machine id): `perceptis`, `cata`… */
  provider: string;
  jobId: string | null;
  /** The actor's status: `active`, `done`, `error`, `stopped`. */
  status: string;
  /** How it ended (`succeeded`, `failed`…), once done. */
  outcome: string | null;
  /** The snapshot's `value`. */
  value: unknown;
  tags: string[];
  progress: number | null;
  /** Wall-clock ms of the producer when the actor started, and of its last frame. */
  startedAt: number;
  updatedAt: number;
  /** False once its producer has disconnected. */
  connected: boolean;
  /** Its producer connected with jobcharts' `inspect()`, which takes CANCEL, ANSWER and PAID back from the page. */
  acceptsEvents: boolean;
  context: Record<string, unknown> | null;
  output: unknown;
  /** The changes of state the job made (state values before and after, and how often), for visited/taken marks. */
  moves: Array<{ from: unknown; to: unknown; count: number }>;
}

export interface HubStats {
  producers: number;
  pages: number;
  framesReceived: number;
  framesRejected: number;
  jobsEvicted: number;
  /** Bytes the jobs hold, as counted against the hub's `maxStoreBytes`. */
  storeBytes: number;
  /** Charts known (the registry's and the learnt ones), and definitions refused past the limits. */
  charts: number;
  chartsRefused: number;
}

export type HubMessage =
  /** The registry's charts and the first jobs; learnt charts and further jobs follow as `charts` and `update`. */
  | { type: 'hello'; charts: ChartSource[]; jobs: JobView[]; stats: HubStats; inspectUrl: string }
  | { type: 'charts'; charts: ChartSource[] }
  | { type: 'update'; jobs: JobView[]; removed: string[]; entries: Array<{ key: string; entry: TimelineEntry }>; stats: HubStats }
  | { type: 'timeline'; key: string; entries: TimelineEntry[] }
  /** What became of a page's `send`: delivered to the job's producer, or why not. */
  | { type: 'sent'; key: string; ok: boolean; reason?: string };

export type PageMessage = { type: 'timeline'; key: string } | { type: 'send'; key: string; event: PersonEvent };
