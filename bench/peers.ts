/**
 * The same job (create, then poll at a fixed interval until done) written with what a user would reach for instead
 * of jobcharts: a bare loop on undici's `request()` (the floor: nothing but the requests), AWS's
 * `@smithy/util-waiter` and Azure's `@azure/core-lro` (their requests made with ofetch, as the ofetch loop's are).
 * Each returns a {@link RunningJob}, like workload.ts's ofetch loop and jobcharts.
 */
import { createHttpPoller, type OperationResponse, type OperationState } from '@azure/core-lro';
import { createWaiter, WaiterState } from '@smithy/util-waiter';
import { ofetch } from 'ofetch';
import { Agent } from 'undici';
import { sleep, type BenchProvider, type RunningJob } from './workload.js';

interface JobStatus {
  status: string;
}
type Done = { status: string; jobId?: string; at: number };

const ended = (status: string, jobId: string): Done => ({
  status: status === 'completed' ? 'succeeded' : status === 'failed' ? 'failed' : status,
  jobId,
  at: Date.now(),
});

/** One pool for the undici loop, kept as long as the jobcharts transport keeps its own. */
const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000, connections: 64 });

async function undiciJson<T>(url: string, init: { method?: 'GET' | 'POST'; headers: Record<string, string>; body?: unknown; signal: AbortSignal }): Promise<T> {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const { statusCode, body } = await agent.request({
    origin: url.slice(0, slash),
    path: url.slice(slash),
    method: init.method ?? 'GET',
    headers: init.body === undefined ? init.headers : { ...init.headers, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  const parsed = (await body.json()) as T;
  if (statusCode >= 300) throw new Error(`HTTP ${statusCode}`);
  return parsed;
}

/** The floor: the ofetch loop of workload.ts with undici's `request()` in place of ofetch. */
export function startUndiciLoopJob(provider: BenchProvider, baseUrl: string, intervalMs: number): RunningJob {
  const controller = new AbortController();
  let polled = false;
  let inSleep = false;
  const run = async (): Promise<Done> => {
    const created = await undiciJson<{ job_id: string }>(`${baseUrl}${provider.createPath}`, {
      method: 'POST',
      headers: provider.headers,
      body: provider.request,
      signal: controller.signal,
    });
    for (;;) {
      const body = await undiciJson<JobStatus>(`${baseUrl}${provider.statusPath(created.job_id)}`, { headers: provider.headers, signal: controller.signal });
      polled = true;
      if (body.status === 'completed' || body.status === 'failed') return ended(body.status, created.job_id);
      inSleep = true;
      await sleep(intervalMs, controller.signal);
      inSleep = false;
      if (controller.signal.aborted) return ended('cancelled', created.job_id);
    }
  };
  return {
    done: run().catch((error: unknown) => ({ status: controller.signal.aborted ? 'cancelled' : `error: ${String(error)}`, at: Date.now() })),
    waiting: () => polled && inSleep,
    cancel: () => controller.abort(),
  };
}

/** AWS's waiter: `createWaiter` with minDelay = maxDelay, which makes its back-off a fixed interval without jitter. */
export function startSmithyJob(provider: BenchProvider, baseUrl: string, intervalMs: number): RunningJob {
  const controller = new AbortController();
  let polled = false;
  let inFlight = false;
  const run = async (): Promise<Done> => {
    const created = await ofetch<{ job_id: string }>(`${baseUrl}${provider.createPath}`, {
      method: 'POST',
      headers: provider.headers,
      body: provider.request as Record<string, unknown>,
      signal: controller.signal,
    });
    const seconds = intervalMs / 1000;
    const result = await createWaiter(
      { client: null, minDelay: seconds, maxDelay: seconds, maxWaitTime: 3_600, abortSignal: controller.signal },
      created.job_id,
      async (_client, jobId) => {
        inFlight = true;
        try {
          const body = await ofetch<JobStatus>(`${baseUrl}${provider.statusPath(jobId)}`, { headers: provider.headers, signal: controller.signal });
          polled = true;
          if (body.status === 'completed') return { state: WaiterState.SUCCESS, reason: body };
          if (body.status === 'failed') return { state: WaiterState.FAILURE, reason: body };
          return { state: WaiterState.RETRY };
        } finally {
          inFlight = false;
        }
      },
    );
    const status = result.state === WaiterState.SUCCESS ? 'completed' : result.state === WaiterState.FAILURE ? 'failed' : result.state === WaiterState.ABORTED ? 'cancelled' : result.state;
    return ended(status, created.job_id);
  };
  return {
    done: run().catch((error: unknown) => ({ status: controller.signal.aborted ? 'cancelled' : `error: ${String(error)}`, at: Date.now() })),
    waiting: () => polled && !inFlight,
    cancel: () => controller.abort(),
  };
}

/**
 * Azure's poller: `createHttpPoller` over a create answered with an `Operation-Location` (the job's status URL), each
 * status read as Azure's `Running` / `Succeeded` / `Failed`; no final GET (`skipFinalGet`).
 */
export function startAzureJob(provider: BenchProvider, baseUrl: string, intervalMs: number): RunningJob {
  const controller = new AbortController();
  let polled = false;
  let inFlight = false;
  let jobId: string | undefined;
  const azureStatus = (status: string) => (status === 'completed' ? 'Succeeded' : status === 'failed' ? 'Failed' : 'Running');
  const poller = createHttpPoller<JobStatus, OperationState<JobStatus>>(
    {
      sendInitialRequest: async (): Promise<OperationResponse> => {
        const url = `${baseUrl}${provider.createPath}`;
        const created = await ofetch<{ job_id: string }>(url, {
          method: 'POST',
          headers: provider.headers,
          body: provider.request as Record<string, unknown>,
          signal: controller.signal,
        });
        jobId = created.job_id;
        return {
          flatResponse: created,
          rawResponse: { statusCode: 202, request: { method: 'POST', url }, headers: { 'operation-location': `${baseUrl}${provider.statusPath(jobId)}` }, body: created },
        };
      },
      sendPollRequest: async (path: string): Promise<OperationResponse<JobStatus>> => {
        inFlight = true;
        try {
          const body = await ofetch<JobStatus>(path, { headers: provider.headers, signal: controller.signal });
          polled = true;
          return { flatResponse: body, rawResponse: { statusCode: 200, request: { method: 'GET', url: path }, headers: {}, body: { status: azureStatus(body.status) } } };
        } finally {
          inFlight = false;
        }
      },
    },
    { intervalInMs: intervalMs, skipFinalGet: true, resolveOnUnsuccessful: true },
  );
  const run = async (): Promise<Done> => {
    await poller.pollUntilDone({ abortSignal: controller.signal });
    const status = poller.operationState?.status;
    return ended(status === 'succeeded' ? 'completed' : status === 'failed' ? 'failed' : String(status), jobId!);
  };
  return {
    done: run().catch((error: unknown) => ({ status: controller.signal.aborted ? 'cancelled' : `error: ${String(error)}`, at: Date.now() })),
    waiting: () => polled && !inFlight,
    cancel: () => controller.abort(),
  };
}
