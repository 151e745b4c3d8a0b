/** The flags `submit` and `watch` share, declared once. */
import { InvalidArgumentError, Option, type Command } from 'commander';

export function milliseconds(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 500');
  }
  return value;
}

export function withJobFlags(command: Command): Command {
  return command
    .option('--base-url <url>', 'where the provider is (default: $<PROVIDER>_BASE_URL), e.g. the simulator')
    .option('--json', 'print the outcome as one JSON object on stdout')
    .option('-y, --yes', 'answer the job\'s questions automatically')
    .option('--poll-interval <ms>', 'first wait between two status requests (also lowers the floor)', milliseconds)
    .option('--timeout <ms>', 'overall deadline of the job', milliseconds)
    .option('--inspect <ws-url>', 'stream the job to a running visualizer (the URL `jobcharts visualize` prints)')
    // Hidden: known only so that a key given here is refused by naming its variable, never echoed back.
    .addOption(new Option('--api-key <key>').hideHelp());
}

export const exitCodesHelp = `
Exit codes: 0 succeeded · 1 failed, rejected or timed out · 130 cancelled with Ctrl-C (the job is cancelled)
            2 bad usage (unknown provider, missing key, bad flag).
The API key is read from the provider's environment variable (e.g. PERCEPTIS_API_KEY) and never printed.`;
