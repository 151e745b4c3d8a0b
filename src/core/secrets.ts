/** What stands in for a secret wherever one is removed. */
export const REDACTED = '[redacted]';

/** Query parameters of signed or keyed URLs (their values are secrets). */
export const SECRET_QUERY =
  /([?&;](?:signature|sig|token|access_token|id_token|api[-_]?key|key|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|se|sp|sv|skoid|sktid)=)[^&#\s"'<>]*/gi;

/** Removes the values of signed URLs' secret query parameters from free text (e.g. a body quoted in an error). */
export function redactSignedQueries(text: string, placeholder = REDACTED): string {
  return text.replace(SECRET_QUERY, `$1${placeholder}`);
}
