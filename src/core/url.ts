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
