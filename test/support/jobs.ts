/** The tests' standard job of each registered provider: its definition's sample request and simulator key. */
import { createActor, type ActorRefFrom, type AnyStateMachine, type InputFrom, type SimulatedClock } from 'xstate';
import { registry, type ProviderName, type Registry } from '../../src/providers/registry.js';

type ChartOf<P extends ProviderName> = Registry[P]['chart'];

/** The provider's sample request (its definition's `sampleRequest`). */
export const sampleRequest = <P extends ProviderName>(provider: P): Registry[P]['sampleRequest'] => registry[provider].sampleRequest;

/**
 * Starts a job of `provider` at `baseUrl` on `clock`: the sample request, the simulator's key, no jitter (so every
 * wait is exact). `input` adds or replaces (`{ request: undefined, jobId }` attaches); its options add to `{ jitter: 0 }`.
 */
export function startJob<P extends ProviderName>(
  provider: P,
  baseUrl: string,
  clock: SimulatedClock,
  input: Partial<InputFrom<ChartOf<P>>> = {},
): ActorRefFrom<ChartOf<P>> {
  const definition = registry[provider];
  const apiKey = definition.simulator?.testKey;
  const options = { jitter: 0, ...(input as { options?: object }).options };
  const chart: AnyStateMachine = definition.chart;
  return createActor(chart, {
    clock,
    input: { baseUrl, ...(apiKey === undefined ? {} : { apiKey }), request: definition.sampleRequest, ...input, options },
  }).start() as ActorRefFrom<ChartOf<P>>;
}
