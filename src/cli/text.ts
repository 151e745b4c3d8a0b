/** Widths of text as the terminal shows it (colour codes take no room). */
// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[[0-9;]*m/g;

export const visibleLength = (text: string) => text.replace(COLOUR, '').length;

export const padVisible = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleLength(text)));

/** Cuts `text` to `width` visible characters, colour codes kept (and closed when cut). */
export function truncateVisible(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let visible = 0;
  for (let i = 0; i < text.length && visible < Math.max(0, width - 1); ) {
    const code = /^\x1b\[[0-9;]*m/.exec(text.slice(i));
    if (code) {
      out += code[0];
      i += code[0].length;
    } else {
      out += text[i];
      visible += 1;
      i += 1;
    }
  }
  return `${out}…\x1b[0m`;
}
