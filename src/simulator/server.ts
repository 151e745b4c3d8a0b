import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimAnswer, SimRequest, SimRoute } from './http.js';
import { KeyLimits, type KeyLimit } from './ratelimit.js';
import { answeredByGate } from './cors.js';
import { FaultPlan, faultLabel, playHugeBody, playsAfterProvider, playTrickle, replacementAnswer, spoilBody } from './faults.js';
import type { AnyProviderDefinition, SimulatedProvider } from '../providers/define.js';
import { providers as registered, type Registry } from '../providers/registry.js';

/** One request as the simulator saw it. Keys and signatures are never recorded. */
export interface RequestLogEntry {
  /** On the simulator's clock. */
  at: number;
  provider: string;
  method: string;
  /** The path without its query (download links carry signatures there). */
  path: string;
  jobId?: string | number;
  /** The HTTP status answered, or the wire fault played. */
  answer: number | string;
  /** The `Retry-After` header sent with the answer, as sent. */
  retryAfter?: string;
  /** The planned fault played on this request (see `Simulator.faults`), e.g. `reset`, `http 503`, `spoil hugeBody`. */
  fault?: string;
}

/** The simulated side a definition makes, and the options it takes. */
type SimOf<D> = D extends { simulator?: { create(options?: never): infer TSim } } ? TSim : never;
type SimOptionsOf<D> = D extends { simulator?: { create(options?: infer TOptions): unknown } } ? TOptions : never;

/** Each registered provider's simulated side, by name (`sim.perceptis`, …). */
export type RegisteredSims = { [P in keyof Registry]: SimOf<Registry[P]> };
/** Each registered provider's simulator options, by name (`{ perceptis: { minPollIntervalMs: 0 } }`). */
export type RegisteredSimOptions = { [P in keyof Registry]?: SimOptionsOf<Registry[P]> };

export interface SimulatorOptions extends RegisteredSimOptions {
  /** Default 0: any free port. */
  port?: number;
  /** The simulator's clock. Tests pass the `SimulatedClock`'s `now` so scripts, rate limits and the log share the job's time. */
  now?: () => number;
  /**
   * Providers of your own (made with `defineProvider`, with a `simulator`), served beside the registered ones; their
   * routes are matched first. Reach one with `sim.provider(name)`.
   */
  providers?: readonly AnyProviderDefinition[];
  /** Per-key rate limits by provider (off by default): over them, 429 with Retry-After. */
  keyLimits?: Partial<Record<string, KeyLimit>>;
  /**
   * How long an idle keep-alive connection stays open (announced as `Keep-Alive: timeout`). Default 65 s, as a
   * provider's load balancer commonly keeps it, rather than Node's 5 s: a client then need not reconnect per poll.
   */
  keepAliveTimeoutMs?: number;
}

export interface Simulator extends RegisteredSims {
  /** e.g. `http://127.0.0.1:41234`: the `baseUrl` of every provider. */
  url: string;
  port: number;
  /** The simulated side of a provider, registered or your own, by name. */
  provider(name: string): SimulatedProvider;
  /** Per-key rate limits by provider, changeable while running. */
  keyLimits: KeyLimits;
  /** Every request so far, oldest first. */
  readonly log: RequestLogEntry[];
  /** Requests of one provider (and job). */
  requests(provider: string, jobId?: string | number): RequestLogEntry[];
  /** Faults for the next matching requests, whatever the provider (per-job faults go in a job's script). */
  faults: FaultPlan;
  /** Client connections open now, idle keep-alive ones included. */
  readonly openSockets: number;
  /** Requests received and not yet answered to the end (a hang or a trickle in progress counts). */
  readonly inFlight: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts the simulated providers on 127.0.0.1: one real HTTP server speaking every provider's API. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const sims = simulatedProviders(options);
  const statusFields = new Map([...(options.providers ?? []), ...registered].map((p) => [p.name, p.simulator?.statusField]));
  const routes: SimRoute[] = [...sims.values()].flatMap((sim) => sim.routes());
  const keyLimits = new KeyLimits(options.keyLimits);
  keyLimits.wrapAll(routes);
  const log: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const faults = new FaultPlan();
  let inFlight = 0;
  let baseUrl = '';
  let port = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: 'simulator error', message: String(err) } });
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    if (answeredByGate(req, res, port)) return;
    const url = new URL(req.url ?? '/', baseUrl);
    const method = req.method ?? 'GET';
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const rawBody = await readBody(req);
    if (!route) {
      const known = routes.some((r) => r.pattern.test(url.pathname));
      log.push({ at: now(), provider: 'unknown', method, path: url.pathname, answer: known ? 405 : 404 });
      send(res, { status: known ? 405 : 404, body: { error: known ? 'method not allowed' : 'no such endpoint' } });
      return;
    }
    const request: SimRequest = {
      method,
      path: url.pathname,
      params: { ...(route.pattern.exec(url.pathname)?.groups ?? {}) },
      query: url.searchParams,
      headers: req.headers,
      body: parseJson(rawBody),
      rawBody,
      now: now(),
      baseUrl,
    };
    const rule = faults.take(route.provider, method, url.pathname);
    let answer: SimAnswer;
    if (rule && !playsAfterProvider(rule)) answer = replacementAnswer(rule.fault as never, request.now);
    else answer = await route.handle(request);
    if (rule && playsAfterProvider(rule) && !('pass' in rule.fault)) {
      answer = 'spoil' in rule.fault ? spoilBody(rule.fault.spoil, answer, statusFields.get(route.provider)) : replacementAnswer(rule.fault, request.now, answer.jobId);
    }
    const retryAfter = 'fault' in answer ? undefined : answer.headers?.['retry-after'];
    log.push({
      at: request.now,
      provider: route.provider,
      method,
      path: url.pathname,
      ...(answer.jobId === undefined ? {} : { jobId: answer.jobId }),
      answer: 'fault' in answer ? answer.fault : answer.status,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(rule && !('pass' in rule.fault) ? { fault: faultLabel(rule) } : {}),
    });
    send(res, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    ...(Object.fromEntries(registered.map((p) => [p.name, sims.get(p.name)])) as RegisteredSims),
    provider(name) {
      const sim = sims.get(name);
      if (!sim) throw new Error(`the simulator has no provider "${name}": it has ${[...sims.keys()].join(', ')}`);
      return sim;
    },
    keyLimits,
    log,
    requests: (provider, jobId) => log.filter((e) => e.provider === provider && (jobId === undefined || e.jobId === jobId)),
    faults,
    get openSockets() {
      return sockets.size;
    },
    get inFlight() {
      return inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One simulated side per provider: your own first (their routes win), then the registered ones. */
function simulatedProviders(options: SimulatorOptions): Map<string, SimulatedProvider> {
  const sims = new Map<string, SimulatedProvider>();
  for (const definition of options.providers ?? []) {
    if (!definition.simulator) throw new Error(`startSimulator: provider "${definition.name}" has no simulator`);
    if (sims.has(definition.name) || registered.some((p) => p.name === definition.name)) {
      throw new Error(`startSimulator: a provider named "${definition.name}" is there already`);
    }
    sims.set(definition.name, definition.simulator.create(undefined as never));
  }
  const own = options as Record<string, unknown>;
  for (const definition of registered) sims.set(definition.name, definition.simulator!.create(own[definition.name] as never));
  return sims;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, answer: SimAnswer): void {
  if ('fault' in answer) {
    playFault(res, answer.fault);
    return;
  }
  const body = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
  res.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'application/json',
    ...answer.headers,
  });
  res.end(body);
}

function playFault(res: ServerResponse, fault: Extract<SimAnswer, { fault: unknown }>['fault']): void {
  switch (fault) {
    case 'reset':
      res.socket?.destroy();
      return;
    case 'hang':
      return; // the socket stays open until the client gives up or the simulator closes
    case 'notJson':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('this is not JSON');
      return;
    case 'truncated':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status": "proc');
      return;
    case 'html':
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    case 'trickle':
      playTrickle(res);
      return;
    case 'hugeBody':
      playHugeBody(res);
      return;
    case 'empty':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
      return;
  }
}
