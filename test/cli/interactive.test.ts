import { afterEach, describe, expect, it } from 'vitest';
import { providers } from '../../src/cli/providers.js';
import { bundledCli, repoRoot } from './run-cli.js';
import { hasTmux, Terminal } from './terminal.js';

const has = (name: string) => providers.some((p) => p.name === name);
const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('test/cli/interactive.test.ts skipped: tmux is not installed (apt-get install -y tmux; .ci/run installs it)');

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe.skipIf(tmuxMissing)('jobcharts demo at a terminal (tmux), without --yes', () => {
  it.skipIf(!has('markdown2pdf'))(
    'asks the person to confirm the payment, and the PDF is made once they say yes',
    { timeout: 60_000 },
    async () => {
      terminal = new Terminal();
      terminal.start(`node ${await bundledCli()} demo --exit`, repoRoot, { NO_COLOR: '1' });

      const question = await terminal.waitFor(/asks you to confirm: payment required.*\n.*\[y\/N\]/, 'the payment question');
      expect(question).toMatch(/\? invoice PDF, paid per use \[markdown2pdf\] asks you to confirm: payment required: "Markdown to PDF" for 1 USD/);
      terminal.type('y');
      terminal.press('Enter');

      const end = await terminal.waitFor(/EXIT=\d+/, 'the demo to end');
      expect(end).toMatch(/^invoice PDF, paid per use\s+markdown2pdf\s+succeeded\s+as expected/m);
      expect(end).toMatch(/EXIT=0/);
    },
  );
});
