import type { AnyStateMachine } from 'xstate';
import { blandJob } from '../src/providers/bland/chart.js';
import { cataJob } from '../src/providers/cata/chart.js';
import { depictaJob } from '../src/providers/depicta/chart.js';
import { markdown2pdfJob } from '../src/providers/markdown2pdf/chart.js';
import { perceptisJob } from '../src/providers/perceptis/chart.js';
import { toPlain } from '../src/inspect/redact.js';
import type { ChartSource } from './protocol.js';

/** A chart the visualizer draws even when no job runs. */
export interface RegisteredChart {
  machine: AnyStateMachine;
  title: string;
  summary: string;
}

/** Every provider chart (src/providers/<provider>/chart.ts), in the order the atlas shows them. */
export const registeredCharts: RegisteredChart[] = [
  { machine: perceptisJob, title: 'Perceptis', summary: 'PowerPoint generation · pending → processing → download links' },
  { machine: depictaJob, title: 'Depicta', summary: 'Story generation · scenes completed of total → signed image URLs' },
  { machine: cataJob, title: 'Cata', summary: 'Adapter-script generation · six stages, asks a person when stuck' },
  { machine: markdown2pdfJob, title: 'markdown2pdf.ai', summary: 'PDF generation · pay on 402, then Not Started → Processing → Done' },
  { machine: blandJob, title: 'Bland AI', summary: 'Pathway generation · ready:false until a pathway id' },
];

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
