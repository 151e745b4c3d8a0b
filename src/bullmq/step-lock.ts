/**
 * A step keeps its own job's BullMQ lock, by its own token. BullMQ's worker renews the locks it tracks too, but it
 * tracks them by job id: when a job is given out again while the previous step of it still runs in the same worker
 * (the job was found stalled, or its next step was due before the last one had returned), the older step's end
 * stops BullMQ renewing the newer one's lock, which then expires mid-step; the job is found stalled again, and so on.
 */
import type { Job } from 'bullmq';

/**
 * Renews `token`'s lock on `job` every half `durationMs` until the returned function is called; calls `lost` (once,
 * and stops) when the lock is no longer the step's. A Redis error is not a lost lock: the next renewal tries again.
 */
export function holdStepLock(job: Job, token: string, durationMs: number, lost: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let held = true;
  const renew = async () => {
    const renewed = await job.extendLock(token, durationMs).catch(() => undefined);
    if (!held) return;
    if (renewed === 0) {
      held = false;
      lost();
      return;
    }
    timer = setTimeout(renew, durationMs / 2);
  };
  timer = setTimeout(renew, durationMs / 2);
  return () => {
    held = false;
    clearTimeout(timer);
  };
}
