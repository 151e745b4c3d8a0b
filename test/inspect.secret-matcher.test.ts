import { describe, expect, it } from 'vitest';
import { SecretMatcher } from '../src/inspect/secret-matcher.js';

/** What the matcher must do, the slow way: mark every character any secret covers, then mask each marked run. */
function reference(text: string, secrets: string[], mask: string): string {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const secret of secrets) for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) covered.fill(true, at, at + secret.length);
  let out = '';
  for (let i = 0; i < text.length; i++) if (!covered[i]) out += text[i];
  else if (i === 0 || !covered[i - 1]) out += mask;
  return out;
}

describe('SecretMatcher', () => {
  it('hides a secret that holds another whole, and overlapping secrets as one run', () => {
    const matcher = new SecretMatcher(['key-123456', 'key-1234567890', '567890-tail']);
    expect(matcher.replace('a key-1234567890 b', '#')).toBe('a # b');
    expect(matcher.replace('x key-1234567890-tail y key-123456 z', '#')).toBe('x # y # z');
    expect(matcher.replace('nothing here', '#')).toBe('nothing here');
  });

  it('masks exactly the characters the secrets cover, on random texts over a small alphabet', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const word = (length: number) => Array.from({ length }, () => 'abc'[random(3)]).join('');
    for (let round = 0; round < 300; round++) {
      const secrets = Array.from({ length: 1 + random(6) }, () => word(2 + random(5)));
      const text = word(random(60));
      expect(new SecretMatcher(secrets).replace(text, '#'), `${JSON.stringify(secrets)} in ${text}`).toBe(reference(text, secrets, '#'));
    }
  });
});
