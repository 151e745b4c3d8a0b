/**
 * The person in the loop, at the terminal: when a job enters a state tagged `needs-input` (Cata's question,
 * markdown2pdf's payment), its provider entry says what to ask and which event the answer becomes.
 * One question at a time, whatever the number of jobs waiting.
 */
import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { readLineByKeys } from './line-input.js';
import type { LiveView, ViewedJob } from './live-view.js';
import type { PersonStep, ProviderEntry } from './providers.js';
import { plainText, safeForTerminal } from './terminal-safe.js';

export interface PersonDeskOptions {
  /** Answer every question with the provider entry's automatic answer (`--yes`). */
  yes: boolean;
  /** With no terminal to ask at and no `--yes`: answer automatically (the demo) or cancel the job (a real job). */
  withoutTerminal: 'answer' | 'cancel';
  view: LiveView;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

export interface AttendHooks {
  /** What `--yes` answers for this job, instead of the provider entry's general answer. */
  automaticAnswer?: string;
  /** Runs before the reply is sent, e.g. the demo settles the payment in the simulator. */
  beforeReply?(event: EventObject): Promise<void> | void;
}

export class PersonDesk {
  private queue: Promise<void> = Promise.resolve();
  /** Questions answered automatically, per job: the same one again means the answer did not help. */
  private readonly answeredAutomatically = new WeakMap<ViewedJob, Set<string>>();

  constructor(private readonly options: PersonDeskOptions) {}

  /** Watches one job and answers each of its questions as it comes. */
  attend(job: ViewedJob, entry: ProviderEntry, hooks: AttendHooks = {}): void {
    if (!entry.personStep) return;
    let queued = false;
    const check = () => {
      const snapshot = job.actor.getSnapshot() as AnyMachineSnapshot;
      const waiting = snapshot.status === 'active' && snapshot.hasTag('needs-input');
      if (!waiting || queued) return;
      queued = true;
      this.queue = this.queue
        .then(() => this.serve(job, entry, hooks))
        .catch((error: unknown) => this.options.view.note(pc.red(`could not answer ${job.label}: ${String(error)}`)))
        .finally(() => {
          queued = false;
          queueMicrotask(check);
        });
    };
    job.actor.subscribe({ next: check, error: () => {}, complete: () => {} });
    check();
  }

  private async serve(job: ViewedJob, entry: ProviderEntry, hooks: AttendHooks): Promise<void> {
    const stillWaiting = () => {
      const s = job.actor.getSnapshot() as AnyMachineSnapshot;
      return s.status === 'active' && s.hasTag('needs-input');
    };
    if (!stillWaiting()) return;
    const general = await entry.personStep!(job.actor);
    const step = hooks.automaticAnswer === undefined ? general : { ...general, automaticAnswer: hooks.automaticAnswer };
    const answer = await this.answer(job, step, stillWaiting);
    if (!stillWaiting()) return;
    const event = answer === null ? null : step.reply(answer);
    if (event === null) {
      this.options.view.note(pc.yellow(`${job.label}: no — cancelling the job`));
      job.actor.send({ type: 'CANCEL' });
      return;
    }
    await hooks.beforeReply?.(event);
    job.actor.send(event);
  }

  private async answer(job: ViewedJob, step: PersonStep, stillWaiting: () => boolean): Promise<string | null> {
    const { view, yes, input, withoutTerminal } = this.options;
    const heading = `${pc.magenta('?')} ${pc.bold(job.label)} [${job.provider}] ${step.kind === 'confirm' ? 'asks you to confirm' : 'asks'}: ${plainText(step.text)}`;
    const question = [heading, ...(step.details ?? []).map((line) => `  ${plainText(line)}`)];
    const automatic = yes || (!input.isTTY && withoutTerminal === 'answer');
    if (automatic) {
      const answered = this.answeredAutomatically.get(job) ?? new Set<string>();
      this.answeredAutomatically.set(job, answered);
      if (answered.has(step.text)) {
        // e.g. PAID without a payment: the provider asks again, and answering again would loop against it.
        view.note([...question, `  ${pc.yellow('→ asked again after an automatic answer: cancelling instead of answering in a loop')}`].join('\n'));
        return null;
      }
      answered.add(step.text);
      const why = yes ? '--yes' : 'no terminal to ask at';
      view.note([...question, `  ${pc.dim(`→ answered automatically (${why}):`)} ${step.automaticAnswer}`].join('\n'));
      return step.automaticAnswer;
    }
    if (!input.isTTY) {
      view.note([...question, `  ${pc.yellow('→ no terminal to ask at: cancelling (pass --yes to answer automatically)')}`].join('\n'));
      return null;
    }
    const gone = new AbortController();
    const poll = setInterval(() => stillWaiting() || gone.abort(), 200);
    try {
      const reply = await this.ask(question, `${pc.cyan('›')}${step.kind === 'confirm' ? ' [y/N] ' : ' '}`, gone.signal);
      if (reply === null) return null;
      if (step.kind === 'confirm') return /^y(es)?$/i.test(reply.trim()) ? 'yes' : null;
      return reply.trim() === '' ? step.automaticAnswer : reply.trim();
    } finally {
      clearInterval(poll);
    }
  }

  /**
   * Asks at the terminal. In a live view the question is drawn below the job lines, which go on moving; where
   * the view is plain lines (its stream is not a terminal), readline asks on a line of its own.
   */
  private async ask(question: string[], prompt: string, signal: AbortSignal): Promise<string | null> {
    const { view, input, output } = this.options;
    if (view.live) {
      // The offers, an invoice: printed once above, where a long line wraps and can be copied whole.
      const [heading, ...details] = question;
      if (details.length) view.note(details.join('\n'));
      view.openQuestion([heading], prompt);
      const reply = await readLineByKeys(input, (typed) => view.typed(typed), signal);
      view.closeQuestion(reply);
      return reply;
    }
    const rl = createInterface({ input, output });
    // Ctrl-C while a question is open must still cancel the jobs, as it does elsewhere.
    rl.on('SIGINT', () => process.emit('SIGINT' as never));
    try {
      output.write(question.join('\n') + '\n');
      return await rl.question(prompt, { signal }).catch(() => null);
    } finally {
      rl.close();
    }
  }
}
