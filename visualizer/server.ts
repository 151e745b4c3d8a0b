import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { chartSources, type RegisteredChart } from './charts.js';
import { Hub, type HubOptions } from './hub.js';
import { elkWorkerScript, pageScript } from './page-bundle.js';
import { PAGE_SOCKET_PATH, TOKEN_PARAM, type HubStats } from './protocol.js';
import { newTokens, tokenMatches } from './tokens.js';

export interface VisualizerOptions extends Omit<HubOptions, 'charts'> {
  /** Default 0: any free port. Always bound to 127.0.0.1. */
  port?: number;
  /** The charts of the atlas. Default: every provider chart. */
  charts?: RegisteredChart[];
  /** Producer connections open at once; more are refused (503). Default 64. */
  maxProducers?: number;
  /** Page connections open at once; more are refused (503). Default 16. */
  maxPages?: number;
}

export interface Visualizer {
  /** The page with its per-start token, e.g. `http://127.0.0.1:4747/?token=…`: open it as it is. */
  url: string;
  /**
   * Where producers connect, with the producers' per-start token: `createWebSocketInspector({ url: inspectUrl })`
   * or `inspect({ url: inspectUrl })`. It lets a process add jobs; it does not let it read any.
   */
  inspectUrl: string;
  port: number;
  stats(): HubStats & { jobs: number };
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** A page says little (which timeline to send): its frames are small. */
const PAGE_MAX_PAYLOAD = 64 * 1024;

/** Serves the visualizer page and its WebSocket hub on 127.0.0.1 only. */
export async function startVisualizer(options: VisualizerOptions = {}): Promise<Visualizer> {
  const hub = new Hub({ ...options, charts: chartSources(options.charts) });
  const tokens = newTokens();
  const producerSockets = new WebSocketServer({ noServer: true, maxPayload: hub.maxPayloadBytes });
  const pageSockets = new WebSocketServer({ noServer: true, maxPayload: PAGE_MAX_PAYLOAD });
  const maxProducers = options.maxProducers ?? 64;
  const maxPages = options.maxPages ?? 16;
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
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/' || path === '/index.html') return respond(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (path === '/app.js') return respond(res, 200, 'text/javascript; charset=utf-8', await pageScript());
    if (path === '/elk-worker.js') return respond(res, 200, 'text/javascript; charset=utf-8', await elkWorkerScript());
    if (path === '/favicon.ico' || path === '/favicon.svg') return respond(res, 200, 'image/svg+xml', FAVICON);
    if (path === '/charts.json') return respond(res, 200, 'application/json', JSON.stringify(chartSources(options.charts)));
    if (path === '/stats.json') {
      if (!tokenMatches(url.searchParams.get(TOKEN_PARAM), tokens.page)) return respond(res, 401, 'text/plain', 'the page token is missing or wrong\n');
      return respond(res, 200, 'application/json', JSON.stringify({ ...hub.stats(), jobs: hub.jobCount }));
    }
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
    const url = new URL(req.url ?? '/', 'http://x');
    const isPage = url.pathname === PAGE_SOCKET_PATH;
    if (!tokenMatches(url.searchParams.get(TOKEN_PARAM), isPage ? tokens.page : tokens.producer)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (isPage ? hub.pageCount >= maxPages : hub.producerCount >= maxProducers) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (isPage) pageSockets.handleUpgrade(req, socket, head, (ws) => hub.addPage(ws));
    else producerSockets.handleUpgrade(req, socket, head, (ws) => hub.addProducer(ws));
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
  const inspectUrl = `ws://${HOST}:${port}/inspect?${TOKEN_PARAM}=${tokens.producer}`;
  hub.producerUrl = inspectUrl;

  return {
    url: `http://${HOST}:${port}/?${TOKEN_PARAM}=${tokens.page}`,
    inspectUrl,
    port,
    stats: () => ({ ...hub.stats(), jobs: hub.jobCount }),
    close: async () => {
      hub.close();
      producerSockets.close();
      pageSockets.close();
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
