/** The providers the `jobcharts` command knows: the registry's (src/providers/registry.ts), found by name. */
import type { AnyProviderDefinition } from '../providers/define.js';
import { providerNamed, providerNames, providers } from '../providers/registry.js';
import { UsageError } from './errors.js';

export type { PersonStep } from '../providers/define.js';
export type ProviderEntry = AnyProviderDefinition;
export { providers, providerNames };

export function findProvider(name: string): ProviderEntry {
  const entry = providerNamed(name.toLowerCase());
  if (!entry) throw new UsageError(`unknown provider '${name}': choose one of ${providerNames().join(', ')}`);
  return entry;
}
