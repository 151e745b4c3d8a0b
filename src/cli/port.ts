import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from './errors.js';

export function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 65_535) throw new InvalidArgumentError('expected a port number, 0..65535 (0: any free port)');
  return value;
}

/** `--port <n>`: 0 (any free port) unless given; help shows the default in words, once. */
export function portOption(description: string): Option {
  return new Option('--port <n>', description).argParser(port).default(0, 'any free port');
}

/** A server that cannot listen is a usage problem (port taken, not allowed), not a crash. */
export async function listening<T>(what: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`cannot start the ${what}: the port is in use`);
    if (code === 'EACCES') throw new UsageError(`cannot start the ${what}: not allowed to listen on that port`);
    throw error;
  }
}

/** Resolves on Ctrl-C (or SIGTERM): how a server started from the command line is stopped. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
