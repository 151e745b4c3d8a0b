/**
 * The `jobcharts` command. Each command is its own module; this file wires them together and turns every
 * usage mistake into one line on stderr and exit code 2.
 */
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { addDemoCommand } from './demo.js';
import { addDrawCommand } from './draw.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { addPathsCommand } from './paths.js';
import { safeForTerminal } from './terminal-safe.js';
import { addRunnerCommands } from './runner-commands.js';
import { addSimulateCommand } from './simulate.js';
import { addSubmitCommand } from './submit.js';
import { addVisualizeCommand } from './visualize.js';
import { packageVersion } from './version.js';
import { addWatchCommand } from './watch.js';

export function buildProgram(): Command {
  const program = new Command('jobcharts')
    .description('Asynchronous AI-generation jobs as explicit statecharts: submit, poll, back off, ask a person, end in an outcome.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ outputError: (text, write) => write(pc.red(safeForTerminal(withoutOptionValues(text.split('\n')[0]))) + '\n') });
  addDemoCommand(program);
  addSubmitCommand(program);
  addWatchCommand(program);
  addSimulateCommand(program);
  addVisualizeCommand(program);
  addPathsCommand(program);
  addDrawCommand(program);
  addRunnerCommands(program);
  return program;
}

/**
 * `unknown option '--api-key=sk-…'`: commander quotes the whole argument. The value after `=` may be a secret
 * (a key, a password), so it is never echoed; a name that looks like one says where keys come from instead.
 */
function withoutOptionValues(message: string): string {
  return message.replace(/unknown option '(-[^'=]*)=.*'/, (_, name: string) => {
    const hint = /key|token|secret|password/i.test(name) ? ' (API keys are read from the environment, e.g. PERCEPTIS_API_KEY)' : '';
    return `unknown option '${name}=…'${hint}`;
  });
}

const HELP_SHOWN = new Set(['commander.helpDisplayed', 'commander.version']);

/** Runs the command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return HELP_SHOWN.has(error.code) ? 0 : EXIT_USAGE;
    if (error instanceof UsageError) {
      process.stderr.write(pc.red(safeForTerminal(`error: ${error.message}`)) + '\n');
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(pc.red(safeForTerminal(`error: ${message.split('\n')[0]}`)) + '\n');
    if (process.env.JOBCHARTS_DEBUG) console.error(error);
    return 1;
  }
}

/** Resolves once everything written so far has left the process (a pipe takes large writes in parts). */
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

// `jobcharts paths x | head`: the reader has all it wanted; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

void main(process.argv).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Servers, timers and stdin may still hold the event loop: the command is over, so the process is too.
  process.exit(code);
});
