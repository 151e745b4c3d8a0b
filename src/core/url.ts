/**
 * A URL a provider gave us (a status path, a metadata link): absolute ones are used as they are, relative ones
 * are joined with the job's `baseUrl`, keeping any path prefix it has (e.g. behind a proxy at `https://host/api`).
 */
export function resolveProviderUrl(baseUrl: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return `${trimBaseUrl(baseUrl)}/${pathOrUrl.replace(/^\/+/, '')}`;
}

/** A base URL without trailing slashes: one spelling per provider host, for joining paths and keying budgets. */
export function trimBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/**
 * {@link resolveProviderUrl} for a URL the job will send requests to: only on the job's own origin (scheme, host and
 * port of `baseUrl`). Null for one elsewhere: an answer must not send the job, and what it then trusts, to another host.
 */
export function resolveSameOriginUrl(baseUrl: string, pathOrUrl: string): string | null {
  const url = resolveProviderUrl(baseUrl, pathOrUrl);
  return isSameOrigin(baseUrl, url) ? url : null;
}

/** Whether `url` is on the origin of `baseUrl`. */
export function isSameOrigin(baseUrl: string, url: string): boolean {
  try {
    return new URL(url).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}
