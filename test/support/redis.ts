import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisServer } from './redis-server.js';

export { startRedis, type RedisServer } from './redis-server.js';

/** A Redis of the test file's own: started before its tests, stopped after them. Call at the file's top level. */
export function redisForThisFile(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}
