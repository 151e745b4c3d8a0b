import { useActor } from '@xstate/react';
import { useState } from 'react';
import { cataJob, type CataJobInput } from 'jobcharts/cata';
import { JobStatus, stateLine } from './JobStatus';

/** A Cata adapter-script job: its progress, Cata's question when it asks one, and Cancel. */
export function CataJob({ input }: { input: CataJobInput }) {
  const [snapshot, send] = useActor(cataJob, { input });
  const [answer, setAnswer] = useState('');
  const { context } = snapshot;
  return (
    <section data-testid="cata">
      <h2>Cata</h2>
      <JobStatus state={stateLine(snapshot.value)} progress={context.progress} outcome={context.outcome} onCancel={() => send({ type: 'CANCEL' })} />
      {snapshot.hasTag('needs-input') && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send({ type: 'ANSWER', text: answer });
          }}
        >
          <label>
            <span data-testid="question">{context.clarification}</span>
            <input name="answer" value={answer} onChange={(event) => setAnswer(event.target.value)} />
          </label>
          {context.answerProblem && <p role="alert">{context.answerProblem}</p>}
          <button type="submit">Answer</button>
        </form>
      )}
    </section>
  );
}
