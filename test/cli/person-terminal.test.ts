/**
 * The person in the loop at a real terminal (tmux): the jobs stay in sight while a question is open, and a
 * markdown2pdf job submitted against `jobcharts simulate` is paid by hand from another terminal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { providers } from '../../src/cli/providers.js';
import { bundledCli, repoRoot } from './run-cli.js';
import { hasTmux, Terminal } from './terminal.js';

const has = (name: string) => providers.some((p) => p.name === name);
const required = process.env.JOBCHARTS_REQUIRE_TMUX === '1';
const tmuxMissing = !hasTmux() && !required;
if (tmuxMissing) console.warn('test/cli/person-terminal.test.ts skipped: tmux is not installed');

const terminals: Terminal[] = [];
afterEach(() => terminals.splice(0).forEach((t) => t.close()));
const terminal = () => {
  const t = new Terminal();
  terminals.push(t);
  return t;
};

/** The lines above the open question's prompt, as the person sees them now. */
const lastScreen = (screen: string) => screen.trimEnd().split('\n').slice(-14).join('\n');

describe.skipIf(tmuxMissing)('a question open at the terminal', () => {
  it.skipIf(!has('cata') || !has('markdown2pdf') || !has('perceptis'))(
    'the demo keeps every job on screen, moving, while the payment question waits; narration stays off the prompt line',
    { timeout: 90_000 },
    async () => {
      const demo = terminal();
      demo.start(`node ${await bundledCli()} demo --exit`, repoRoot, { NO_COLOR: '1' });

      const asked = lastScreen(await demo.waitFor(/asks you to confirm: payment required.*\n› \[y\/N\] ▏$/m, 'the payment question'));
      // The job table sits above the question: all seven jobs, the waiting one saying so.
      for (const label of ['deck, 429 storm', 'slide that fails', 'deck, cancelled', '4-scene story', 'script, 1 question', 'receptionist pathway']) {
        expect(asked).toContain(label);
      }
      expect(asked).toMatch(/^invoice PDF \(paid\)\s+markdown2pdf\s+paymentRequired.*waiting for you$/m);

      // Not answering: the other jobs go on and end in sight, the question still open below them.
      const ended = (line: string) => `(?=[\\s\\S]*^${line})`;
      const allEnded = new RegExp(
        [
          ended('deck, 429 storm\\s+perceptis\\s+succeeded'),
          ended('slide that fails\\s+perceptis\\s+failed'),
          ended('deck, cancelled\\s+perceptis\\s+cancelled'),
          ended('4-scene story\\s+depicta\\s+succeeded'),
          ended('receptionist pathway\\s+bland\\s+succeeded'),
        ].join('') + '[\\s\\S]*^invoice PDF \\(paid\\)\\s+markdown2pdf\\s+paymentRequired[\\s\\S]*\\n› \\[y\\/N\\] ▏$',
        'm',
      );
      const later = lastScreen(await demo.waitFor(allEnded, 'five jobs ending while the payment question is open'));
      // The demo's narration ("the demo cancels it") went above the table, never onto the prompt.
      expect(later).toMatch(/^deck, cancelled: the demo cancels it \(as a user would\)$/m);
      expect(later.split('\n').filter((line) => line.includes('›'))).toEqual(['› [y/N] ▏']);

      demo.type('y');
      demo.press('Enter');
      await demo.waitFor(/\[cata\] asks: .*\n› ▏$/m, "Cata's question");
      demo.type('data.locations');
      demo.press('Enter');
      const end = await demo.waitFor(/EXIT=\d+/, 'the demo to end');
      expect(end).toMatch(/^› \[y\/N\] y$/m);
      expect(end).toMatch(/^› data\.locations$/m);
      expect(end).toMatch(/EXIT=0/);
    },
  );

  it.skipIf(!has('markdown2pdf'))(
    '`jobcharts simulate` + `jobcharts submit markdown2pdf`: the offer, price and invoice are shown, `simulate pay` pays it, the job succeeds',
    { timeout: 60_000 },
    async () => {
      const cli = `node ${await bundledCli()}`;
      const simulator = terminal();
      simulator.start(`${cli} simulate`, repoRoot, { NO_COLOR: '1' });
      const baseUrl = /Simulated providers at (http:\/\/127\.0\.0\.1:\d+)/.exec(await simulator.waitFor(/Simulated providers at http/, 'the simulator'))![1];

      const submit = terminal();
      submit.start(`${cli} submit markdown2pdf --prompt 'Hello PDF' --poll-interval 50`, repoRoot, { NO_COLOR: '1', MARKDOWN2PDF_BASE_URL: baseUrl });
      const asked = await submit.waitFor(/asks you to confirm: .*\n› \[y\/N\] ▏$/m, 'the payment question');
      expect(asked).toMatch(/^ {2}offer 1: "Markdown to PDF" for 1 USD, one-time, pay with lightning/m);
      expect(asked).toMatch(/^new job\s+markdown2pdf\s+paymentRequired.*waiting for you$/m);
      const invoice = /^ {2}invoice for offer 1 \(lightning\): (lnbc\S+)$/m.exec(asked)?.[1];
      expect(invoice).toBeDefined();

      // Confirming before paying: the provider asks again (402), the job waits on.
      submit.type('y');
      submit.press('Enter');
      await submit.waitFor(/› \[y\/N\] y\n(?:.*\n)*› \[y\/N\] ▏$/m, 'the question again, the payment not made');

      const wallet = terminal();
      wallet.start(`${cli} simulate pay ${invoice} --base-url ${baseUrl}`, repoRoot, { NO_COLOR: '1' });
      expect(await wallet.waitFor(/EXIT=\d+/, 'the payment')).toMatch(/^paid "Markdown to PDF" \(1 USD\): confirm the payment in the waiting job\.\nEXIT=0$/m);

      submit.type('y');
      submit.press('Enter');
      const end = await submit.waitFor(/EXIT=\d+/, 'the job to end');
      expect(end).toMatch(/^succeeded\s+job [0-9a-f-]{36}/m);
      expect(end).toMatch(/EXIT=0/);
      const again = terminal();
      again.start(`${cli} simulate pay ${invoice} --base-url ${baseUrl}`, repoRoot, { NO_COLOR: '1' });
      expect(await again.waitFor(/EXIT=\d+/, 'paying twice')).toMatch(/not paid: 409: This payment is settled already\.\nEXIT=1/);
    },
  );
});
