/**
 * Tampered snapshots for the fault runs: what someone who can write the snapshot store might change. A restore must
 * refuse each of the `refused` ones (rejected / invalid, no request) and ignore the others (the job goes on as if
 * restored untouched): where requests go and which actors run come from the restore input and the chart.
 */
import fc from 'fast-check';

export type Tamper =
  /** The stored base URL names another place: the key would go there. */
  | 'baseUrl'
  /** Another provider's name. */
  | 'provider'
  | 'wakeAtText'
  | 'wakeAtFar'
  | 'noJobId'
  | 'deadlineAtText'
  | 'futureVersion'
  | 'badOptions'
  /** A child the state does not invoke: a create. Ignored. */
  | 'strayCreate'
  /** Every stored actor's input names another base URL. Ignored. */
  | 'childBaseUrl';

const refused: readonly Tamper[] = ['baseUrl', 'provider', 'wakeAtText', 'wakeAtFar', 'noJobId', 'deadlineAtText', 'futureVersion', 'badOptions'];

/** Whether a restore must refuse a snapshot tampered so. */
export const refusesTamper = (tamper: Tamper): boolean => refused.includes(tamper);

/** No tampering in most runs; one of the tamperings in about one in four. */
export const tamperArb: fc.Arbitrary<Tamper | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom<Tamper>(...refused, 'strayCreate', 'childBaseUrl') },
);

type Persisted = { context: Record<string, unknown>; children: Record<string, { snapshot?: { input?: { context?: object } } }> };

/** The persisted snapshot (a JSON copy) tampered so; `elsewhere` is a base URL nobody should be sent to. */
export function tamperWith(tamper: Tamper, snapshot: Persisted, elsewhere: string): Persisted {
  const context = { ...snapshot.context };
  const children = { ...snapshot.children };
  switch (tamper) {
    case 'baseUrl':
      context.baseUrl = elsewhere;
      break;
    case 'provider':
      context.provider = context.provider === 'cata' ? 'perceptis' : 'cata';
      break;
    case 'wakeAtText':
      context.wakeAt = 'soon';
      break;
    case 'wakeAtFar':
      context.wakeAt = 1e300;
      break;
    case 'noJobId':
      delete context.jobId;
      break;
    case 'deadlineAtText':
      context.deadlineAt = 'later';
      break;
    case 'futureVersion':
      context.schemaVersion = 99;
      break;
    case 'badOptions':
      context.options = { ...(context.options as object), pollIntervalMs: -1 };
      break;
    case 'strayCreate':
      children.stray = { src: 'create', snapshot: { status: 'active', input: { context: { ...context, baseUrl: elsewhere } } } } as never;
      break;
    case 'childBaseUrl':
      for (const [id, child] of Object.entries(children)) {
        const input = child.snapshot?.input;
        if (input?.context) children[id] = { ...child, snapshot: { ...child.snapshot, input: { ...input, context: { ...input.context, baseUrl: elsewhere } } } };
      }
      break;
  }
  return { ...snapshot, context, children };
}
