import { afterEach, describe, expect, it } from 'vitest';
import { providers } from '../../src/cli/providers.js';
import { bundledCli, repoRoot } from './run-cli.js';
import { hasTmux, Terminal } from './terminal.js';

const has = (name: string) => providers.some((p) => p.name === name);
const required = process.env.JOBCHARTS_REQUIRE_TMUX === '1';
const tmuxMissing = !hasTmux() && !required;
if (tmuxMissing) console.warn('test/cli/interactive.test.ts skipped: tmux is not installed (apt-get install -y tmux; .ci/run installs it)');

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe.skipIf(tmuxMissing)('jobcharts demo at a terminal (tmux), without --yes', () => {
  it.skipIf(!has('cata') || !has('markdown2pdf'))(
    "the person confirms the payment and answers Cata's question; both jobs then succeed",
    { timeout: 60_000 },
    async () => {
      terminal = new Terminal();
      terminal.start(`node ${await bundledCli()} demo --exit`, repoRoot, { NO_COLOR: '1' });

      const payment = await terminal.waitFor(/asks you to confirm: payment required.*\n› \[y\/N\] ▏$/m, 'the payment question');
      expect(payment).toMatch(/^\? invoice PDF \(paid\) \[markdown2pdf\] asks you to confirm: payment required: "Markdown to PDF" for 1 USD/m);
      terminal.type('y');
      terminal.press('Enter');

      const question = await terminal.waitFor(/\[cata\] asks: .*\n› ▏$/m, "Cata's question");
      expect(question).toMatch(
        /^\? script, 1 question \[cata\] asks: The sample response has no `outlets` array\. Which field of the response lists the outlets\?$/m,
      );
      terminal.type('They are under data.locations');
      terminal.press('Enter');

      const end = await terminal.waitFor(/EXIT=\d+/, 'the demo to end');
      expect(end).toMatch(/^› They are under data\.locations$/m);
      expect(end).toMatch(/^script, 1 question\s+cata\s+succeeded\s+as expected/m);
      expect(end).toMatch(/^invoice PDF \(paid\)\s+markdown2pdf\s+succeeded\s+as expected/m);
      expect(end).not.toContain('answered automatically');
      expect(end).toMatch(/EXIT=0/);
    },
  );

  it.skipIf(!has('cata') || !has('markdown2pdf'))('saying no to the payment cancels that job only', { timeout: 60_000 }, async () => {
    terminal = new Terminal();
    terminal.start(`node ${await bundledCli()} demo --exit`, repoRoot, { NO_COLOR: '1' });
    await terminal.waitFor(/\[y\/N\] ▏$/m, 'the payment question');
    terminal.press('Enter'); // the default: no

    await terminal.waitFor(/invoice PDF \(paid\): no — cancelling the job/, 'the cancellation');
    await terminal.waitFor(/\[cata\] asks: .*\n› ▏$/m, "Cata's question");
    terminal.type('data.locations');
    terminal.press('Enter');

    const end = await terminal.waitFor(/EXIT=\d+/, 'the demo to end');
    expect(end).toMatch(/^invoice PDF \(paid\)\s+markdown2pdf\s+cancelled\s+expected succeeded/m);
    expect(end).toMatch(/^script, 1 question\s+cata\s+succeeded\s+as expected/m);
    expect(end).toMatch(/EXIT=1/);
  });
});
