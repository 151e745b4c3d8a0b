/** The charts a runner steps, by provider name (the registry's providers), and whether the provider needs a key. */
import type { AnyStateMachine } from 'xstate';
import { providerNamed, providerNames } from '../providers/registry.js';

export function chartOf(provider: string): AnyStateMachine {
  const definition = providerNamed(provider);
  if (!definition) throw new Error(`unknown provider '${provider}': choose one of ${providerNames().join(', ')}`);
  return definition.chart;
}

export const isProvider = (provider: string): boolean => providerNamed(provider) !== undefined;
