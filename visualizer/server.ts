import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { chartSources, type RegisteredChart } from './charts.js';
import { Hub, type HubOptions } from './hub.js';
import { elkWorkerScript, pageScript } from './page-bundle.js';
import { PAGE_SOCKET_PATH, type HubStats } from './protocol.js';

export interface VisualizerOptions extends Omit<HubOptions, 'charts'> {
  /** Default 0: any free port. Always bound to 127.0.0.1. */
  port?: number;
  /** The charts of the atlas. Default: every chart in machines/. */
  charts?: RegisteredChart[];
}

export interface Visualizer {
  /** The page, e.g. `http://127.0.0.1:4747/`. */
  url: string;
  /** Where producers connect: `createWebSocketInspector({ url: inspectUrl })` or `inspect({ url: inspectUrl })`. */
  inspectUrl: string;
  port: number;
  stats(): HubStats & { jobs: number };
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Serves the visualizer page and its WebSocket hub on 127.0.0.1 only. */
export async function startVisualizer(options: VisualizerOptions = {}): Promise<Visualizer> {
  const hub = new Hub({ ...options, charts: chartSources(options.charts) });
  const wss = new WebSocketServer({ noServer: true, maxPayload: hub.maxPayloadBytes });
  const sockets = new Set<Socket>();
  let port = 0;

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isOwnHost(req.headers.host, port)) return void res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html') return respond(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (path === '/app.js') return respond(res, 200, 'text/javascript; charset=utf-8', await pageScript());
    if (path === '/elk-worker.js') return respond(res, 200, 'text/javascript; charset=utf-8', await elkWorkerScript());
    if (path === '/favicon.ico' || path === '/favicon.svg') return respond(res, 200, 'image/svg+xml', FAVICON);
    if (path === '/charts.json') return respond(res, 200, 'application/json', JSON.stringify(chartSources(options.charts)));
    if (path === '/stats.json') return respond(res, 200, 'application/json', JSON.stringify({ ...hub.stats(), jobs: hub.jobCount }));
    respond(res, 404, 'text/plain', 'not found\n');
  }

  function respond(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}; base-uri 'none'; frame-ancestors 'none'`,
    });
    res.end(body);
  }

  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    // Producers (Node) send no Origin; a browser always does, and only our own page may connect.
    if (!isOwnHost(req.headers.host, port) || (origin !== undefined && !isOwnOrigin(origin, port))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === PAGE_SOCKET_PATH) hub.addPage(ws);
      else hub.addProducer(ws);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/`,
    inspectUrl: `ws://${HOST}:${port}/inspect`,
    port,
    stats: () => ({ ...hub.stats(), jobs: hub.jobCount }),
    close: async () => {
      hub.close();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function isOwnHost(host: string | undefined, port: number): boolean {
  return host === `${HOST}:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function isOwnOrigin(origin: string, port: number): boolean {
  return origin === `http://${HOST}:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`;
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jobcharts · visualizer</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="app"></div>
<script src="/app.js"></script>
</body>
</html>
`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1.5" y="1.5" width="13" height="13" rx="4" fill="none" stroke="#4f46e5" stroke-width="2"/><rect x="5" y="5" width="6" height="6" rx="1.5" fill="#4f46e5" opacity=".4"/></svg>`;
