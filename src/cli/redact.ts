/**
 * Everything the command prints goes through here: the values of signed URLs' secret query parameters
 * (`signature=…`, `X-Amz-Signature=…`, `token=…`) and the secrets it was given never reach a terminal, a log
 * file or a CI transcript.
 */
import { redactSignedQueries } from '../core/secrets.js';

const PLACEHOLDER = '<redacted>';

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = redactSignedQueries(text, PLACEHOLDER);
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(PLACEHOLDER);
  }
  return out;
}
