/** `jobcharts/visualizer`: the self-hosted visualizer (page + WebSocket hub on 127.0.0.1). */
export { startVisualizer, type Visualizer, type VisualizerOptions } from '../visualizer/server.js';
export { registeredCharts, chartSources, type RegisteredChart } from '../visualizer/charts.js';
export type { HubStats, JobView, TimelineEntry, ChartSource } from '../visualizer/protocol.js';
