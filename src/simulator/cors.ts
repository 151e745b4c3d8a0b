/**
 * Who may talk to the simulator: it listens on 127.0.0.1 only, and answers only requests addressed to a loopback
 * name (a page on another site that rebinds its DNS name to 127.0.0.1 still sends its own name as Host) from no
 * page at all (Node, curl) or from a page served on loopback (a browser app under test). Such a page gets CORS
 * answers, preflights included; any other page's requests are refused before a provider sees them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `Host` names this server on loopback, at its own port. */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && [...LOOPBACK_NAMES].some((name) => host === `${name}:${port}`);
}

/** A page served from loopback (any port: a dev server, a test's page), over http or https. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAMES.has(url.hostname) && url.origin === origin;
  } catch {
    return false;
  }
}

/**
 * Checks a request's Host and Origin; answers it at once (a refusal or a CORS preflight) and returns `true`, or
 * adds the CORS headers its answer needs and returns `false` for the providers' routes to answer.
 */
export function answeredByGate(req: IncomingMessage, res: ServerResponse, port: number): boolean {
  if (!isOwnHost(req.headers.host, port)) {
    res.writeHead(421, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'wrong host' }));
    return true;
  }
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (!isLoopbackOrigin(origin)) {
    res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'origin not allowed' }));
    return true;
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST',
      // The providers' own headers (X-Api-Key, Idempotency-Key, Authorization…): whatever the page asks for.
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }
  // The clients read Retry-After, X-Depicta-Job-Id and the like.
  res.setHeader('access-control-expose-headers', '*');
  return false;
}
