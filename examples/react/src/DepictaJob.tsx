import { useActor } from '@xstate/react';
import { depictaJob, type DepictaJobInput } from 'jobcharts/depicta';
import { JobStatus, stateLine } from './JobStatus';

/** A Depicta story: scenes drawn so far, and Cancel (Depicta charges per story: it must be created once). */
export function DepictaJob({ input }: { input: DepictaJobInput }) {
  const [snapshot, send] = useActor(depictaJob, { input });
  const { context } = snapshot;
  return (
    <section data-testid="depicta">
      <h2>Depicta</h2>
      <JobStatus state={stateLine(snapshot.value)} progress={context.progress} outcome={context.outcome} onCancel={() => send({ type: 'CANCEL' })} />
    </section>
  );
}
