/**
 * Which key a job's requests carry, and where they may go. The store holds neither keys nor trust: the key comes
 * from the runner's own `apiKeys` at each step, and only to a base URL its `baseUrls` list for the job's provider.
 */
import { trimBaseUrl } from '../core/url.js';
import type { RunnerConfig } from './types.js';

export function keyFor(config: RunnerConfig, provider: string, keyRef: string | undefined): string | undefined {
  const keys = config.apiKeys;
  if (typeof keys === 'function') return keys(provider, keyRef);
  return keys && Object.hasOwn(keys, provider) ? keys[provider] : undefined;
}

/** Why `baseUrl` may not be sent `provider`'s key by this runner; null when it may. */
export function baseUrlProblem(config: RunnerConfig, provider: string, baseUrl: unknown): string | null {
  const allowed = config.baseUrls && Object.hasOwn(config.baseUrls, provider) ? (config.baseUrls[provider] ?? []) : [];
  if (typeof baseUrl === 'string' && allowed.some((url) => trimBaseUrl(url) === trimBaseUrl(baseUrl))) return null;
  const shown = typeof baseUrl === 'string' ? baseUrl.slice(0, 200) : JSON.stringify(baseUrl ?? null);
  return `the base URL ${shown} is not one this runner sends ${provider} requests to (its baseUrls.${provider}: ${allowed.length ? allowed.join(', ') : 'none'})`;
}
