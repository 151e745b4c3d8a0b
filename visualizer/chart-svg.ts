/**
 * A chart as an SVG file, drawn by the page's own code (describe.ts, layout.ts with elkjs, chart-view.ts), so a
 * file shows exactly what the page shows. Text is measured with Helvetica's widths (the page measures its font
 * on a canvas), rounded up: a label never overflows its box.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import { CHART_CSS } from './page/chart-styles.js';
import { ChartView, type SvgDocument } from './page/chart-view.js';
import { describeChart } from './page/describe.js';
import { layoutChart, type Measure } from './page/layout.js';
import type { ChartSource } from './protocol.js';
import { svgDocument, type SvgElement } from './svg-document.js';

// Helvetica's advance widths (1/1000 em) for ' ' … '~' (the Adobe AFM).
const WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
  584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
  667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
  278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const FONT_PX = { title: 12.5, label: 11, small: 11 } as const;
/** Semibold titles and medium labels run wider than the regular cut. */
const WEIGHT = { title: 1.1, label: 1.05, small: 1 } as const;

export const estimateTextWidth: Measure = (text, font) => {
  let units = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? WIDTHS[code - 32] : 1000;
  }
  return Math.ceil((units / 1000) * FONT_PX[font] * WEIGHT[font] * 1.04);
};

/** The chart as a standalone SVG document, styled as on the page. */
export async function chartSvg(source: ChartSource): Promise<string> {
  const model = describeChart(source.config);
  const layout = await layoutChart(model, estimateTextWidth, new ELK());
  const view = new ChartView(model, layout, () => {}, svgDocument as unknown as SvgDocument);
  const svg = view.svg as unknown as SvgElement;
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const style = svgDocument.createElementNS('', 'style');
  style.textContent = `${CHART_CSS}\n:root { background: #fcfcfd; }\n`;
  const title = svgDocument.createElementNS('', 'title');
  title.textContent = `${source.title}: ${source.summary}`;
  // Style and title first: a viewer reads them before it draws.
  const drawn = svg.outerHTML.replace(/^<svg([^>]*)>/, (open) => `${open}${title.outerHTML}${style.outerHTML}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${drawn}\n`;
}
