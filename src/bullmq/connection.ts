import type { RedisOptions } from 'ioredis';

/** Redis connection options from `{ host, port }` (ioredis options) or a `redis://` URL (the CLI's `--redis`). */
export function redisOptions(connection: RedisOptions | string): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  const url = new URL(connection);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--redis takes a redis:// URL, got ${url.protocol}`);
  const options: RedisOptions = { host: url.hostname || '127.0.0.1', port: url.port ? Number(url.port) : 6379 };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db) options.db = Number(db);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}
