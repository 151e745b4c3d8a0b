/**
 * Provider text on a terminal: a job id or an error message is data, never commands for the terminal. Escape
 * sequences in it could retitle the window, write the clipboard (OSC 52), clear the screen or redraw a line as
 * "✔ succeeded"; bidirectional overrides could reorder what is read. All of that is removed before printing.
 */

/* eslint-disable no-control-regex */

/** Our own colour codes (picocolors): the only escape sequences the command itself prints. */
const SGR = /^\x1b\[[0-9;]*m$/;

/**
 * An escape sequence (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ESC sequences, their 8-bit C1 forms), or one
 * control character, or one bidirectional-formatting character.
 */
const UNSAFE = new RegExp(
  [
    '(?:\\x1b\\[|\\x9b)[0-?]*[ -/]*[@-~]?', // CSI … final byte
    '(?:\\x1b[\\]PX^_]|[\\x9d\\x90\\x98\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC, DCS, SOS, PM, APC … terminator
    '\\x1b[ -/]*[0-~]?', // other ESC sequences (charset, keypad, reset…)
    '[\\x00-\\x1f\\x7f-\\x9f]', // any other C0 or C1 control, DEL
    '[\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]', // bidi marks, embeddings, overrides, isolates
  ].join('|'),
  'g',
);

/** Provider text made inert: escape sequences and controls removed, line breaks and tabs turned into spaces. */
export function plainText(text: string): string {
  return text.replace(UNSAFE, (found) => (found === '\n' || found === '\r' || found === '\t' ? ' ' : ''));
}

/**
 * A whole line (or lines) of the command's output: our own colour codes and line breaks stay, every other
 * escape sequence and control is removed. Applied to everything the command prints that may hold provider text.
 */
export function safeForTerminal(text: string): string {
  return text.replace(UNSAFE, (found) => (found === '\n' || SGR.test(found) ? found : found === '\t' ? ' ' : ''));
}

/**
 * JSON for stdout (`--json`): JSON.stringify already escapes C0 controls; DEL, the C1 controls and bidi
 * characters are escaped too (`\u009b`), so the JSON means exactly the same and no terminal acts on it.
 */
export function jsonForTerminal(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
