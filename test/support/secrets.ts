/**
 * Finds secrets in text that people or tools may see: API keys (also inside `Authorization`/`X-Api-Key` values) and
 * URL signatures. For tests and the demo grep: `findSecrets(JSON.stringify(everything), [apiKey])` must be empty.
 */

export interface SecretFound {
  /** What was found: `secret #n` (never the secret itself: the report must not leak it either) or `signature=`. */
  what: string;
  index: number;
  /** The text around it, with the secret masked. */
  around: string;
}

/** A `signature=` (or `sig=`) query parameter whose value was not removed. */
const SIGNATURE = /[?&](?:signature|sig|x-amz-signature|x-goog-signature)=(?!\[redacted\]|%5Bredacted%5D)[^&#\s"'\\]+/gi;

/** Every place a secret appears in `text`: each of `secrets` (keys, signatures, tokens) and any URL signature. */
export function findSecrets(text: string, secrets: readonly string[] = []): SecretFound[] {
  const mask = (s: string) => secrets.reduce((out, secret) => (secret ? out.split(secret).join('<secret>') : out), s);
  const around = (index: number, length: number) => mask(text.slice(Math.max(0, index - 60), index + length + 60));
  const found: SecretFound[] = [];
  secrets.forEach((secret, n) => {
    if (!secret) return;
    for (let i = text.indexOf(secret); i >= 0; i = text.indexOf(secret, i + secret.length)) {
      found.push({ what: `secret #${n}`, index: i, around: around(i, secret.length) });
    }
  });
  for (const match of text.matchAll(SIGNATURE)) {
    found.push({ what: 'signature=', index: match.index, around: around(match.index, match[0].length) });
  }
  return found;
}

/** The signature values of signed URLs found in any value (e.g. a Perceptis outcome), to look for elsewhere. */
export function signaturesIn(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return [...text.matchAll(/[?&](?:signature|sig)=([^&#\s"'\\]+)/gi)].map((m) => m[1]);
}
