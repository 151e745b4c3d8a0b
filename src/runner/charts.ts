/** The charts a runner steps, by provider name (the registry's providers). */
import type { AnyStateMachine } from 'xstate';
import { providerNamed, providerNames } from '../providers/registry.js';

export function chartOf(provider: string): AnyStateMachine {
  const definition = providerNamed(provider);
  if (!definition) throw new Error(`unknown provider '${provider}': choose one of ${providerNames().join(', ')}`);
  return definition.chart;
}

export const isProvider = (provider: string): boolean => providerNamed(provider) !== undefined;

const atMostOnce = new Map<string, boolean>();

/**
 * Whether the provider's create is sent at most once (no idempotency key: a second POST makes a second job), read
 * from its chart: such a chart ends a create that may have made a job `rejected / unconfirmed` instead of sending it
 * again (src/core/states.ts, `rejectUnconfirmedCreate`).
 */
export function createIsAtMostOnce(provider: string): boolean {
  if (!atMostOnce.has(provider)) {
    const definition = providerNamed(provider);
    const submitting = (definition?.chart.config.states as Record<string, unknown> | undefined)?.submitting;
    atMostOnce.set(provider, JSON.stringify(submitting ?? null).includes('"rejectUnconfirmedCreate"'));
  }
  return atMostOnce.get(provider)!;
}
