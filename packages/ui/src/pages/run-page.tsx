import type { RunEvent } from '@stepflow/protocol';
import type { FlowGraph } from '@stepflow/runtime/flow-graph';
import { buildFlowGraph } from '@stepflow/runtime/flow-graph';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunDetails } from '../api/api-types.ts';
import { followEvents } from '../api/sse-stream.ts';
import { useApi } from '../app/api-context.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { FlowGraphView } from '../components/flow-graph-view.tsx';
import { JsonView } from '../components/json-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { StepDetails } from '../components/step-details.tsx';
import { rootCauseOf } from '../model/error-cause.ts';
import { formatDuration, formatTime } from '../model/format.ts';
import type { OtherEvent, RunView } from '../model/run-view.ts';
import { EMPTY_RUN_VIEW, reduceRunEvent } from '../model/run-view.ts';

/** One run: its graph coloured live, its timeline, each step's details, cancel. */
export function RunPage({ runId }: { readonly runId: string }) {
  const api = useApi();
  const [details, setDetails] = useState<RunDetails | undefined>();
  const [graph, setGraph] = useState<FlowGraph | undefined>();
  const [view, setView] = useState<RunView>(EMPTY_RUN_VIEW);
  const [selected, setSelected] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [streamEnded, setStreamEnded] = useState(0);
  const refresh = (): void => {
    api.call<RunDetails>(`runs/${encodeURIComponent(runId)}`).then(setDetails, setError);
  };
  useEffect(() => {
    setView(EMPTY_RUN_VIEW);
    setDetails(undefined);
    setGraph(undefined);
    setError(undefined);
    refresh();
    api
      .call<{ flow: { steps?: never[]; output?: unknown } }>(
        `runs/${encodeURIComponent(runId)}/flow`,
      )
      .then((answer) => setGraph(buildFlowGraph(answer.flow)), setError);
    const stop = new AbortController();
    void followEvents(api, `runs/${encodeURIComponent(runId)}/events`, {
      signal: stop.signal,
      reconnect: 'on-error',
      onMessage: (message) => {
        let event: RunEvent | OtherEvent;
        try {
          event = JSON.parse(message.data) as RunEvent | OtherEvent;
        } catch {
          return; // not an event of ours: skipped rather than breaking the page
        }
        const seq = message.id === undefined ? undefined : Number(message.id);
        setView((current) => reduceRunEvent(current, event, seq));
      },
      onEnd: (failure) => {
        if (failure !== undefined) setError(failure);
        setStreamEnded((n) => n + 1);
      },
    });
    return () => stop.abort();
  }, [api, runId]);
  // The stream ends with the run: the stored status (cancelled, paused) is the last word.
  useEffect(() => {
    if (streamEnded > 0) refresh();
  }, [streamEnded]);
  const statuses = useMemo(
    () => new Map([...view.steps.values()].map((s) => [s.stepId, s.status])),
    [view],
  );
  const status: string =
    details !== undefined && details.status !== 'running'
      ? details.status
      : view.status === 'pending'
        ? (details?.status ?? 'pending')
        : view.status;
  const cancel = async (): Promise<void> => {
    try {
      await api.call(`runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' });
      refresh();
    } catch (e) {
      setError(e);
    }
  };
  const active = status === 'running' || status === 'paused' || status === 'pending';
  const now = useNow(active && view.startedAt !== undefined);
  const endedAt =
    view.endedAt ??
    (details?.completedAt == null ? undefined : Date.parse(details.completedAt)) ??
    (active ? now : undefined);
  const step = selected === undefined ? undefined : view.steps.get(selected);
  const result = view.result ?? details?.result;
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">
        Run <span class="mono">{runId}</span> <StatusBadge status={status} />
      </h1>
      <p class="meta">
        Flow {details?.flowName ?? details?.flowId ?? '…'} · started{' '}
        {formatTime(details?.createdAt)} · took{' '}
        {formatDuration(
          view.startedAt === undefined || endedAt === undefined
            ? undefined
            : endedAt - view.startedAt,
        )}
      </p>
      <div class="actions">
        <button type="button" onClick={() => void cancel()} disabled={!active}>
          Cancel run
        </button>
        {status === 'paused' ? (
          <a class="button" href="#/questions">
            Answer its questions to resume
          </a>
        ) : null}
      </div>
      <ErrorNote error={error} />
      {result?.outcome === 'failed' ? (
        <div class="failure" role="alert">
          <h2>Error</h2>
          <p class="run-error">
            {result.error.message} <span class="muted">(code {result.error.code})</span>
          </p>
          {rootCauseOf(result.error) === undefined ? null : (
            <p class="run-error">Cause: {rootCauseOf(result.error)}</p>
          )}
        </div>
      ) : null}
      <div class="run-layout">
        <div>
          <h2>Graph</h2>
          {graph === undefined ? (
            <p class="muted">Loading…</p>
          ) : (
            <FlowGraphView
              graph={graph}
              statuses={statuses}
              onSelect={setSelected}
              {...(selected === undefined ? {} : { selected })}
            />
          )}
          <h2>Steps</h2>
          <ul class="step-list">
            {graph?.nodes
              .filter((n) => n.kind === 'step')
              .map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    class="link"
                    aria-pressed={selected === n.label}
                    onClick={() => setSelected(n.label)}
                  >
                    {n.label}
                  </button>{' '}
                  <StatusBadge status={statuses.get(n.label) ?? 'pending'} />
                </li>
              ))}
          </ul>
          {selected === undefined ? null : <StepDetails stepId={selected} step={step} />}
        </div>
        <div>
          <h2>Timeline</h2>
          <ol class="timeline" aria-live="polite">
            {view.timeline.map((entry) => (
              <li key={entry.seq} class={`event-${entry.type}`}>
                <time>{new Date(entry.at).toLocaleTimeString()}</time> {entry.summary}
              </li>
            ))}
          </ol>
          <JsonView label="Input" value={view.input ?? details?.input} />
          <JsonView label="Result" value={result} />
        </div>
      </div>
    </section>
  );
}

/** The time now, updated every second while `ticking` (a running run's duration). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
