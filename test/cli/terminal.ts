/** A real pseudo-terminal for interactive tests: a tmux session on a socket of its own. */
import { execFileSync } from 'node:child_process';
import { until } from './run-cli.js';

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class Terminal {
  private readonly socket = `jobcharts-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Runs `command` (a shell line) in a 160×50 terminal; the line `EXIT=<code>` is printed when it ends. */
  start(command: string, cwd: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}';`).join(' ');
    this.tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '50', '-c', cwd, `${exports} ${command}; echo "EXIT=$?"; sleep 600`);
  }

  /** What the person sees now (wrapped lines joined, scrollback included). */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main');
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  press(key: string): void {
    this.tmux('send-keys', '-t', 'main', key);
  }

  async waitFor(pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
    let seen = '';
    await until(() => pattern.test((seen = this.screen())), `${what}; the screen was:\n${seen}`, timeoutMs).catch((error) => {
      throw new Error(`${(error as Error).message}\n${seen}`);
    });
    return seen;
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
