import type { AnyStateMachine } from 'xstate';
import { providers } from '../src/providers/registry.js';
import { toPlain } from '../src/inspect/redact.js';
import type { ChartSource } from './protocol.js';

/** A chart the visualizer draws even when no job runs. */
export interface RegisteredChart {
  machine: AnyStateMachine;
  title: string;
  summary: string;
}

/** Every registered provider's chart (src/providers/registry.ts), in the order the atlas shows them. */
export const registeredCharts: RegisteredChart[] = providers.map(({ chart, title, summary }) => ({ machine: chart, title, summary }));

/** The charts as the page receives them: each machine's config as plain JSON (`always` transitions are only there). */
export function chartSources(charts: RegisteredChart[] = registeredCharts): ChartSource[] {
  return charts.map(({ machine, title, summary }) => ({
    id: machine.id,
    title,
    summary,
    config: toPlain(machine.config, 64),
    origin: 'registry',
  }));
}
