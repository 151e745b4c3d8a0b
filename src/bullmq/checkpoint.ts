/**
 * A step's checkpoint in Redis: the BullMQ job's data (the snapshot its person events led to, with the events
 * counted as applied) written before any request of the step goes, only while the step still holds the job's lock.
 * BullMQ's `job.updateData` does not check the lock; this script does, in the same command as the write.
 */
import type { Redis } from 'ioredis';

/**
 * KEYS[1]: the job's lock, KEYS[2]: the job's hash; ARGV[1]: the step's token, ARGV[2]: the data, ARGV[3]: a field of
 * the hash to clear with it (the create mark, once the create is answered), or ''. 1: written.
 */
const STORE_IF_LOCKED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'data', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[3], '0') end
return 1
`;

interface CheckpointCommands {
  jobchartsCheckpoint(lockKey: string, jobKey: string, token: string, data: string, clear: string): Promise<number>;
}

export class Checkpoints {
  private readonly redis: Redis & CheckpointCommands;

  constructor(redis: Redis) {
    redis.defineCommand('jobchartsCheckpoint', { numberOfKeys: 2, lua: STORE_IF_LOCKED });
    this.redis = redis as Redis & CheckpointCommands;
  }

  /** Writes `data` as the job's data (and clears `clear`) while `token` holds its lock; false when it no longer does. */
  async store(lock: { key: string; jobKey: string; token: string }, data: string, clear = ''): Promise<boolean> {
    return (await this.redis.jobchartsCheckpoint(lock.key, lock.jobKey, lock.token, data, clear)) === 1;
  }
}
