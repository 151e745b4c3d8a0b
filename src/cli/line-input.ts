/**
 * Reads one line from a terminal key by key (raw mode), so the line being typed can be drawn inside the live
 * view instead of on a line of its own that a redraw would overwrite. Enter gives the line, Ctrl-C interrupts
 * as it does elsewhere, the signal gives up (the question went away): then `null`.
 */
import { emitKeypressEvents } from 'node:readline';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}

export function readLineByKeys(input: NodeJS.ReadStream, onTyped: (typed: string) => void, signal: AbortSignal): Promise<string | null> {
  emitKeypressEvents(input);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.resume();
  let typed = '';
  return new Promise((resolve) => {
    const finish = (line: string | null) => {
      input.off('keypress', onKey);
      signal.removeEventListener('abort', onAbort);
      input.setRawMode(wasRaw);
      input.pause();
      resolve(line);
    };
    const onAbort = () => finish(null);
    const onKey = (text: string | undefined, key: Key | undefined) => {
      if (key?.ctrl && key.name === 'c') {
        process.emit('SIGINT' as never);
        return;
      }
      if (key?.name === 'return' || key?.name === 'enter') return finish(typed);
      if (key?.name === 'backspace') typed = [...typed].slice(0, -1).join('');
      else if (key?.ctrl && key.name === 'u') typed = '';
      else if (text && !key?.ctrl && !key?.meta) typed += text.replace(CONTROL, '');
      else return;
      onTyped(typed);
    };
    if (signal.aborted) return finish(null);
    signal.addEventListener('abort', onAbort, { once: true });
    input.on('keypress', onKey);
  });
}
