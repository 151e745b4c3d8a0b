/** The adapter of a provider definition (its `testing`), made once per definition; the registered ones by name. */
import type { AnyProviderDefinition } from '../../providers/define.js';
import { providerNamed, providers } from '../../providers/registry.js';
import type { ChartAdapter } from '../types.js';

const made = new WeakMap<AnyProviderDefinition, ChartAdapter>();

/** The definition's adapter, or `undefined` for a definition without `testing`. */
export function adapterOfDefinition(definition: AnyProviderDefinition): ChartAdapter | undefined {
  if (!definition.testing) return undefined;
  if (!made.has(definition)) made.set(definition, definition.testing(definition));
  return made.get(definition);
}

/** The adapter of a registered provider, by name (= chart id). */
export const registeredAdapter = (name: string): ChartAdapter | undefined => {
  const definition = providerNamed(name);
  return definition && adapterOfDefinition(definition);
};

/** Registered providers whose lifecycles can be generated. */
export const providersWithPaths = (): string[] => providers.filter((p) => p.testing).map((p) => p.name);
