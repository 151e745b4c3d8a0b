/**
 * The statecharts' stylesheet (and the palette it draws with): the page puts it before styles.css, and
 * `jobcharts draw` puts it in every SVG file, so a chart looks the same in both.
 */
export const CHART_CSS = `
:root {
  --font: "Inter", ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  --bg: #f5f6f8;
  --panel: #ffffff;
  --line: #e4e7ec;
  --line-strong: #cfd5de;
  --text: #1d2433;
  --muted: #6a7385;
  --faint: #98a1b2;
  --accent: #4f46e5;
  --accent-soft: #eef0ff;
  --accent-line: #a9b0f5;
  --ok: #0f9f6e;
  --ok-soft: #e7f7f0;
  --bad: #d5453b;
  --bad-soft: #fdeeed;
  --warn: #c27a0e;
  --warn-soft: #fdf4e3;
  --person: #b4318a;
  --person-soft: #fcedf7;
  --radius: 12px;
  --shadow: 0 1px 2px rgba(16, 24, 40, 0.04), 0 1px 3px rgba(16, 24, 40, 0.06);
}

/* ---- statecharts ---- */
.chart-svg text { font-family: var(--font); }
.state .box { fill: #ffffff; stroke: #c5ccd8; stroke-width: 1.2; }
.state.container .box { fill: rgba(246, 247, 250, 0.72); stroke: #d3d9e2; }
.state.root > .box { fill: rgba(255, 255, 255, 0.55); stroke: #d8dde5; }
.state.region > .box { fill: rgba(255, 255, 255, 0.5); stroke: #bfc7d4; stroke-dasharray: 5 4; }
.state.kind-final .box { stroke: #8e99ab; }
.state .box-inner { fill: none; stroke: #8e99ab; stroke-width: 1; }
.state-title { font-size: 12.5px; font-weight: 600; fill: #2a3344; }
.state.container > .state-title { font-size: 12px; font-weight: 650; fill: #4a5468; letter-spacing: 0.01em; }
.state.region > .state-title { font-style: italic; font-weight: 550; fill: #6a7385; }
.state.root > .state-title { font-size: 13px; fill: #1d2433; }
.state-badge { font-size: 10px; fill: var(--faint); text-transform: uppercase; letter-spacing: 0.08em; }
.state-note { font-size: 11px; fill: #7b8496; }
.note-tag { fill: #8a6fbf; }
.note-invoke { fill: #7b8496; font-style: italic; }
.note-entry { fill: #5561c9; }
.state .box, .state .state-title { transition: fill 0.25s ease, stroke 0.25s ease; }

.state[data-active="true"].leaf > .box { fill: var(--accent-soft); stroke: var(--accent); stroke-width: 2; }
.state[data-active="true"].leaf > .state-title { fill: #2f27b5; }
.state[data-active="true"].container:not(.root) > .box { stroke: var(--accent-line); stroke-width: 1.6; fill: rgba(238, 240, 255, 0.35); }
.state[data-active="true"].region > .box { stroke-dasharray: 5 4; }
.state[data-active="true"].leaf.kind-final > .box, .state[data-active="true"].kind-final > .box-inner { stroke: var(--accent); }
svg[data-outcome="succeeded"] .state[data-active="true"].kind-final > .box { fill: var(--ok-soft); stroke: var(--ok); }
svg[data-outcome="succeeded"] .state[data-active="true"].kind-final > .box-inner { stroke: var(--ok); }
svg[data-outcome="succeeded"] .state[data-active="true"].kind-final > .state-title { fill: #0b7a55; }
svg[data-outcome="failed"] .state[data-active="true"].kind-final > .box,
svg[data-outcome="rejected"] .state[data-active="true"].kind-final > .box { fill: var(--bad-soft); stroke: var(--bad); }
svg[data-outcome="failed"] .state[data-active="true"].kind-final > .box-inner,
svg[data-outcome="rejected"] .state[data-active="true"].kind-final > .box-inner { stroke: var(--bad); }
svg[data-outcome="failed"] .state[data-active="true"].kind-final > .state-title,
svg[data-outcome="rejected"] .state[data-active="true"].kind-final > .state-title { fill: #a8322a; }
svg[data-outcome="timedOut"] .state[data-active="true"].kind-final > .box { fill: var(--warn-soft); stroke: var(--warn); }
.state[data-active="true"].leaf > .state-note { fill: #5a5fb0; }

.exit-box { fill: #fbfbfc; stroke: #b4bcc9; stroke-width: 1; stroke-dasharray: 3 2; }
.exit-ring { fill: none; stroke: #8e99ab; stroke-width: 1.4; }
.exit-text { font-size: 11px; font-weight: 550; fill: #5b6477; }
.exit-rejected .exit-ring, .exit-failed .exit-ring { stroke: #d98b85; }
.exit-timedOut .exit-ring { stroke: #d9ac63; }
.edge-line { fill: none; stroke: #a3acbb; stroke-width: 1.2; }
.arrowhead { fill: #a3acbb; }
.arrowhead-active { fill: var(--accent); }
.initial-dot { fill: #4a5468; }
.edge.from-active .edge-line { stroke: #8f96f0; stroke-width: 1.6; }
.edge-label rect { fill: rgba(252, 252, 253, 0.92); stroke: none; }
.edge-label text { font-size: 11px; font-weight: 500; fill: #5b6477; }
.edge-label.from-active text { fill: #3f37c9; }
`;
