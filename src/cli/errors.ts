/** A mistake in how the command was called: one line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_USAGE = 2;
/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;
