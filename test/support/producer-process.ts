import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A job in another Node process (`page-producer.ts`), streaming to a hub; `outcome` resolves with how it ended. */
export interface ProducerProcess {
  /** The actor's session id as its own process knows it (`x:0`). */
  sessionId: string;
  outcome: Promise<string>;
  child: ChildProcess;
}

/**
 * Starts `test/support/page-producer.ts` for `provider`, with jobcharts' `inspect()` or (`'stock'`) the stock
 * `@statelyai/inspect` inspector; resolves once its job has started. The caller kills `child` if it still runs.
 */
export function startProducerProcess(provider: string, simUrl: string, inspectUrl: string, flavour: 'inspect' | 'stock' = 'inspect'): Promise<ProducerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'page-producer.ts'), provider, simUrl, inspectUrl, flavour], { stdio: ['ignore', 'pipe', 'inherit'] });
    let settle: (outcome: string) => void = () => {};
    const outcome = new Promise<string>((r) => (settle = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { sessionId?: string; outcome?: string };
      if (message.sessionId) resolve({ sessionId: message.sessionId, outcome, child });
      if (message.outcome) settle(message.outcome);
    });
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`producer exited ${code}`)));
  });
}
