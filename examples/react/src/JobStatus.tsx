import type { JobOutcome } from 'jobcharts';

/** What every job shows: where its chart is, its progress, a Cancel button while it runs, and how it ended. */
export function JobStatus(props: {
  state: string;
  progress: number | null;
  outcome: JobOutcome<unknown, unknown> | null;
  onCancel: () => void;
}) {
  const { state, progress, outcome, onCancel } = props;
  return (
    <>
      <p>
        State: <code data-testid="state">{state}</code>
      </p>
      {progress !== null && <progress data-testid="progress" value={progress} max={1} />}
      {outcome ? (
        <p data-testid="outcome" data-status={outcome.status}>
          {outcome.status}
          {'error' in outcome && outcome.error ? `: ${outcome.error.message}` : ''}
        </p>
      ) : (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </>
  );
}

/** A chart state value as one line, e.g. `polling.provider.processing`. */
export function stateLine(value: unknown): string {
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) => `${key}.${stateLine(inner)}`)
    .join(' · ');
}
