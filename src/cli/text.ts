/** Widths of text as the terminal shows it (colour codes take no room). */
// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[[0-9;]*m/g;

export const visibleLength = (text: string) => text.replace(COLOUR, '').length;

export const padVisible = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleLength(text)));
