/**
 * The live terminal view: one line per job. On a terminal the lines are redrawn in place (log-update), and a
 * question a job asks is drawn below them, the answer being typed included, so the jobs stay in sight while a
 * person answers; notes go above. Otherwise (a pipe, a CI log) each change of a job's state is printed as one
 * plain line.
 */
import { createLogUpdate } from 'log-update';
import pc from 'picocolors';
import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import { nextStep, outcomeLabel, progressBar, stateLabel } from './job-view.js';
import { safeForTerminal } from './terminal-safe.js';
import { padVisible, truncateVisible, visibleLength } from './text.js';

export interface ViewedJob {
  label: string;
  provider: string;
  actor: AnyActorRef;
  startedAt: number;
  endedAt?: number;
}

export interface LiveViewOptions {
  /** Redraw in place (a terminal) or print plain lines. */
  live: boolean;
  /** Applied to every line printed (removes secrets); escape sequences other than colours are removed after it. */
  clean?: (text: string) => string;
  now?: () => number;
}

const REDRAW_MS = 100;
/** log-update hides the terminal's cursor; the prompt draws its own. */
const CURSOR = '▏';

/** A question open below the job lines: what it says, its prompt, and what has been typed so far. */
interface OpenQuestion {
  lines: string[];
  prompt: string;
  typed: string;
}

export class LiveView {
  private readonly jobs: ViewedJob[] = [];
  private readonly draw: ReturnType<typeof createLogUpdate> | null;
  private readonly timer: NodeJS.Timeout | null;
  private readonly clean: (text: string) => string;
  private readonly now: () => number;
  private readonly lastPlain = new Map<ViewedJob, string>();
  private question: OpenQuestion | null = null;
  private stopped = false;
  /** Plain lines are timed from here, so that they read in order. */
  private readonly startedAt: number;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    options: LiveViewOptions,
  ) {
    const clean = options.clean ?? ((t: string) => t);
    this.clean = (text) => safeForTerminal(clean(text));
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.draw = options.live ? createLogUpdate(stream, { showCursor: false }) : null;
    this.timer = options.live ? setInterval(() => this.render(), REDRAW_MS) : null;
    this.timer?.unref();
  }

  add(job: ViewedJob): void {
    this.jobs.push(job);
    const onChange = () => {
      const snapshot = job.actor.getSnapshot() as AnyMachineSnapshot;
      if (snapshot.status !== 'active' && job.endedAt === undefined) job.endedAt = this.now();
      if (this.draw) this.render();
      else this.printPlain(job, snapshot);
    };
    job.actor.subscribe({ next: onChange, error: onChange, complete: onChange });
    onChange();
  }

  /** Redrawn in place: a question can be asked inside the view (`openQuestion`). */
  get live(): boolean {
    return this.draw !== null;
  }

  /** A line that stays above the live region (or in the plain log); never on the line of a prompt. */
  note(text: string): void {
    if (this.draw && !this.stopped) this.draw.clear();
    this.stream.write(this.clean(text) + '\n');
    if (this.draw && !this.stopped) this.render();
  }

  /** Draws a question below the job lines until `closeQuestion` (live views only). */
  openQuestion(lines: string[], prompt: string): void {
    this.question = { lines, prompt, typed: '' };
    this.render();
  }

  /** What has been typed so far, drawn after the prompt. */
  typed(text: string): void {
    if (!this.question) return;
    this.question.typed = text;
    this.render();
  }

  /** Takes the question out of the view; with `answer`, the question and the answer stay above as a note. */
  closeQuestion(answer: string | null): void {
    const question = this.question;
    this.question = null;
    if (question && answer !== null) this.note([...question.lines, `${question.prompt}${answer}`].join('\n'));
    else this.render();
  }

  /** Draws the final state of every job once more and leaves it on the screen. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.draw) {
      this.question = null;
      this.render(true);
      this.draw.done();
    }
  }

  private render(final = false): void {
    if (!this.draw || (this.stopped && !final)) return;
    const widths = {
      label: Math.max(...this.jobs.map((j) => j.label.length), 4),
      provider: Math.max(...this.jobs.map((j) => j.provider.length), 4),
      state: Math.min(26, Math.max(...this.jobs.map((j) => visibleLength(this.stateOf(j))), 10)),
    };
    // One job, one line: a line longer than the terminal would wrap and break the redraw.
    const columns = this.stream.columns || 120;
    const lines = this.jobs.map((job) => truncateVisible(this.clean(this.line(job, widths)), columns));
    // The question's lines may wrap: log-update wraps them itself and counts the rows.
    if (this.question) lines.push('', ...this.question.lines.map((line) => this.clean(line)), `${this.question.prompt}${this.clean(this.question.typed)}${CURSOR}`);
    this.draw(lines.join('\n'));
  }

  private stateOf(job: ViewedJob): string {
    const snapshot = job.actor.getSnapshot() as AnyMachineSnapshot;
    if (snapshot.status === 'active') return stateLabel(snapshot.value);
    return outcomeLabel(snapshot.output ?? { status: snapshot.status === 'stopped' ? 'cancelled' : 'error' });
  }

  /** provider, state, progress, then what comes next (while running) or how long it took (once ended). */
  private line(job: ViewedJob, widths: { label: number; provider: number; state: number }): string {
    const snapshot = job.actor.getSnapshot() as AnyMachineSnapshot;
    const head = `${pc.bold(job.label.padEnd(widths.label))}  ${pc.dim(job.provider.padEnd(widths.provider))}`;
    const progress = (snapshot.context as { progress?: number | null }).progress;
    const state = padVisible(truncateVisible(this.stateOf(job), widths.state), widths.state);
    const tail =
      snapshot.status === 'active'
        ? truncateVisible(nextStep(snapshot, this.now()), 24)
        : pc.dim(`in ${(((job.endedAt ?? this.now()) - job.startedAt) / 1000).toFixed(1)} s`);
    return `${head}  ${state}  ${progressBar(progress, 8)}  ${tail}`;
  }

  /** One line per change worth reading: requests in flight are skipped, each 429 and each retry is shown. */
  private printPlain(job: ViewedJob, snapshot: AnyMachineSnapshot): void {
    if (snapshot.status === 'active' && snapshot.hasTag('requesting')) return;
    const state =
      snapshot.status === 'active'
        ? stateLabel(snapshot.value)
        : outcomeLabel(snapshot.output ?? { status: snapshot.status === 'stopped' ? 'cancelled' : 'error' });
    const context = snapshot.context as { rateLimits?: number; retries?: number; progress?: number | null };
    const progress = context.progress;
    const key = `${state}/${context.rateLimits ?? 0}/${context.retries ?? 0}/${progress ?? ''}`;
    if (this.lastPlain.get(job) === key) return;
    this.lastPlain.set(job, key);
    const elapsed = `${((this.now() - this.startedAt) / 1000).toFixed(1).padStart(5)} s`;
    const percent = typeof progress === 'number' ? `  ${Math.round(progress * 100)}%` : '';
    const next = snapshot.status === 'active' ? nextStep(snapshot, this.now()) : '';
    this.stream.write(this.clean(`${elapsed}  ${job.label} [${job.provider}]  ${state}${percent}${next ? `  ${next}` : ''}`) + '\n');
  }
}
