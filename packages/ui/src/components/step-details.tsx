import { formatDuration } from '../model/format.ts';
import type { StepView } from '../model/run-view.ts';
import { JsonView } from './json-view.tsx';
import { StatusBadge } from './status-badge.tsx';

/** One step of a run: its attempts with their timings, input and error, and its result. */
export function StepDetails({
  stepId,
  step,
}: {
  readonly stepId: string;
  readonly step: StepView | undefined;
}) {
  return (
    <section class="step-details" aria-labelledby="step-title">
      <h3 id="step-title">
        Step {stepId} <StatusBadge status={step?.status ?? 'pending'} />
      </h3>
      {step === undefined ? (
        <p class="muted">Not started yet.</p>
      ) : (
        <>
          <p class="meta">
            {step.attempts.length} attempt{step.attempts.length === 1 ? '' : 's'}
            {step.startedAt !== undefined && step.endedAt !== undefined
              ? ` · ${formatDuration(step.endedAt - step.startedAt)}`
              : ''}
          </p>
          {step.attempts.map((a) => (
            <details key={a.attempt} open={a.attempt === step.attempts.length}>
              <summary>
                Attempt {a.attempt} · {a.component} ·{' '}
                {formatDuration(a.endedAt === undefined ? undefined : a.endedAt - a.startedAt)}
                {a.error === undefined ? '' : ' · failed'}
              </summary>
              <JsonView label="Input" value={a.input} />
              {a.error === undefined ? null : <JsonView label="Error" value={a.error} />}
            </details>
          ))}
          {step.result?.outcome === 'success' ? (
            <JsonView label="Output" value={step.result.result} />
          ) : null}
          {step.result?.outcome === 'failed' ? (
            <p class="run-error" role="alert">
              {step.result.error.message}
            </p>
          ) : null}
          {step.result?.outcome === 'skipped' ? (
            <p class="muted">
              Skipped{step.result.reason === undefined ? '' : `: ${step.result.reason}`}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
