/**
 * Everything the command prints goes through here: URL signatures (`signature=…`, `sig=…`, `X-Amz-Signature=…`)
 * and the secrets it was given never reach a terminal, a log file or a CI transcript.
 */
const SIGNATURE_PARAM = /([?&](?:[\w-]*signature|sig|token)=)[^&\s"']+/gi;

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(SIGNATURE_PARAM, '$1<redacted>');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('<redacted>');
  }
  return out;
}
