/** Reading an XState snapshot `value` (`'done'`, `{ polling: { provider: 'pending', poller: 'waiting' } }`). */

/** Every active state as a path of keys, outer states included: `[['polling'], ['polling', 'provider'], …]`. */
export function activePaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [[...prefix, value]];
  if (value === null || typeof value !== 'object') return [];
  const out: string[][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = [...prefix, key];
    out.push(path, ...activePaths(inner, path));
  }
  return out;
}

/** The innermost active states, dotted: `['polling.provider.pending', 'polling.poller.waiting']`. */
export function leafStates(value: unknown, prefix: string[] = []): string[] {
  if (typeof value === 'string') return [[...prefix, value].join('.')];
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix.length ? [prefix.join('.')] : [];
  return entries.flatMap(([key, inner]) => leafStates(inner, [...prefix, key]));
}

/** A short human label: the innermost state names, `pending · waiting`. */
export function stateLabel(value: unknown): string {
  return leafStates(value)
    .map((path) => path.slice(path.lastIndexOf('.') + 1))
    .join(' · ');
}
