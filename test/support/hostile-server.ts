import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** What the hostile provider answers to one request. */
export interface HostileAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as it is when a string (JSON text unless `headers` say otherwise), as JSON otherwise. */
  body: unknown;
}

export interface HostileServer {
  url: string;
  /** `METHOD /path` of every request, in order. */
  log: string[];
}

const open: Array<() => Promise<void>> = [];

/**
 * A provider of the test's own on 127.0.0.1 that answers whatever `answer` says: deep, huge, or quoting the key it
 * was sent. Closed after the test.
 */
export async function hostileServer(answer: (request: IncomingMessage) => HostileAnswer): Promise<HostileServer> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const { status = 200, headers = {}, body } = answer(req);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => new Promise((resolve) => server.close(() => resolve())));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});
