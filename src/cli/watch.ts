/** `jobcharts watch <provider> <jobId>`: attach to an existing job and follow it to its end. */
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { followJob, type JobFlags } from './follow-job.js';
import { exitCodesHelp, withJobFlags } from './job-flags.js';
import { findProvider, providerNames } from './providers.js';
import { watchRunnerJob } from './runner-commands.js';

export function addWatchCommand(program: Command): void {
  withJobFlags(
    program
      .command('watch')
      .description('attach to an existing job by its id and follow it live to its end')
      .argument('<provider>', `one of ${providerNames().join(', ')}`)
      .argument('<jobId>', "the job's id, as the provider gave it (with --redis: the runner job id)")
      .option('--redis <url>', "follow a runner job kept in this Redis, by the id `submit --redis` printed"),
  )
    .addHelpText('after', exitCodesHelp)
    .action(async (name: string, jobIdText: string, flags: JobFlags & { redis?: string }) => {
      const entry = findProvider(name);
      if (flags.redis) return void (process.exitCode = await watchRunnerJob(entry, jobIdText, { ...flags, redis: flags.redis }));
      const jobId = entry.parseJobId(jobIdText);
      if (jobId === undefined || (typeof jobId === 'number' && !Number.isFinite(jobId))) {
        throw new UsageError(`'${jobIdText}' is not a ${entry.title} job id`);
      }
      process.exitCode = await followJob(entry, { jobId }, flags);
    });
}
