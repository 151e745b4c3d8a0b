/**
 * The person in the loop, at the terminal: when a job enters a state tagged `needs-input` (Cata's question,
 * markdown2pdf's payment), its provider entry says what to ask and which event the answer becomes.
 * One question at a time, whatever the number of jobs waiting.
 */
import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
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
    const general = entry.personStep!(job.actor);
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
    const { view, yes, input, output, withoutTerminal } = this.options;
    const heading = `${pc.magenta('?')} ${pc.bold(job.label)} [${job.provider}] ${step.kind === 'confirm' ? 'asks you to confirm' : 'asks'}: ${plainText(step.text)}`;
    const automatic = yes || (!input.isTTY && withoutTerminal === 'answer');
    if (automatic) {
      const answered = this.answeredAutomatically.get(job) ?? new Set<string>();
      this.answeredAutomatically.set(job, answered);
      if (answered.has(step.text)) {
        // e.g. PAID without a payment: the provider asks again, and answering again would loop against it.
        view.note(`${heading}\n  ${pc.yellow('→ asked again after an automatic answer: cancelling instead of answering in a loop')}`);
        return null;
      }
      answered.add(step.text);
      const why = yes ? '--yes' : 'no terminal to ask at';
      view.note(`${heading}\n  ${pc.dim(`→ answered automatically (${why}):`)} ${step.automaticAnswer}`);
      return step.automaticAnswer;
    }
    if (!input.isTTY) {
      view.note(`${heading}\n  ${pc.yellow('→ no terminal to ask at: cancelling (pass --yes to answer automatically)')}`);
      return null;
    }
    view.pause();
    const rl = createInterface({ input, output });
    // Ctrl-C while a question is open must still cancel the jobs, as it does elsewhere.
    rl.on('SIGINT', () => process.emit('SIGINT' as never));
    const gone = new AbortController();
    const poll = setInterval(() => stillWaiting() || gone.abort(), 200);
    try {
      output.write(safeForTerminal(heading) + '\n');
      const suffix = step.kind === 'confirm' ? ' [y/N] ' : ' ';
      const reply = await rl.question(`${pc.cyan('›')}${suffix}`, { signal: gone.signal }).catch(() => null);
      if (reply === null) return null;
      if (step.kind === 'confirm') return /^y(es)?$/i.test(reply.trim()) ? 'yes' : null;
      return reply.trim() === '' ? step.automaticAnswer : reply.trim();
    } finally {
      clearInterval(poll);
      rl.close();
      view.resume();
    }
  }
}
