/**
 * Every provider this package ships, in the order the command and the visualizer's atlas list them. The command,
 * the simulator, the visualizer, the runner and the model tests read this list: a provider is one folder
 * (src/providers/<p>/, its definition in index.ts) plus its line here. Node-side: the definitions bring their
 * simulators, so the browser entries never import this module.
 */
import { bland } from './bland/index.js';
import { cata } from './cata/index.js';
import { depicta } from './depicta/index.js';
import { markdown2pdf } from './markdown2pdf/index.js';
import { perceptis } from './perceptis/index.js';
import type { AnyProviderDefinition } from './define.js';

export const registry = { perceptis, depicta, cata, markdown2pdf, bland };

export type Registry = typeof registry;
export type ProviderName = keyof Registry;

/** The definitions, in the registry's order. */
export const providers: readonly AnyProviderDefinition[] = Object.values(registry);

export const providerNames = (): string[] => providers.map((p) => p.name);

export const isProviderName = (name: string): name is ProviderName => Object.hasOwn(registry, name);

/** The definition of a provider, or `undefined`. */
export const providerNamed = (name: string): AnyProviderDefinition | undefined => (isProviderName(name) ? registry[name] : undefined);
