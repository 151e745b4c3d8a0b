/** `jobcharts submit <provider>`: create a job and follow it to its end. */
import type { Command } from 'commander';
import { followJob, requestOf, type JobFlags } from './follow-job.js';
import { exitCodesHelp, withJobFlags } from './job-flags.js';
import { findProvider, providerNames } from './providers.js';
import { submitToRunner } from './runner-commands.js';

export function addSubmitCommand(program: Command): void {
  withJobFlags(
    program
      .command('submit')
      .description('create a job at a provider and follow it live to its end')
      .argument('<provider>', `one of ${providerNames().join(', ')}`)
      .option('--prompt <text>', 'what to generate (a request is built from it)')
      .option('--file <request.json>', 'the full create request, as the provider documents it')
      .option('--redis <url>', 'store the job in a runner\'s Redis and print its id; `jobcharts worker` steps it'),
  )
    .addHelpText('after', exitCodesHelp)
    .action(async (name: string, flags: JobFlags & { prompt?: string; file?: string; redis?: string }) => {
      const entry = findProvider(name);
      if (flags.redis) return void (process.exitCode = await submitToRunner(entry, { ...flags, redis: flags.redis }));
      process.exitCode = await followJob(entry, { request: requestOf(entry, flags) }, flags);
    });
}
