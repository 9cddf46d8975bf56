import { useEffect, useState } from 'preact/hooks';
import type { RunSummary } from '../api/api-types.ts';
import { RUN_STATUSES } from '../api/api-types.ts';
import { useApi } from '../app/api-context.ts';
import { runHref } from '../app/hash-route.ts';
import { useLiveRefresh } from '../app/use-live-refresh.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { elapsed, formatDuration, formatTime } from '../model/format.ts';

/** Runs per page. */
const PAGE_SIZE = 25;

/** The runs, newest first: filters by status and flow, live updates, pages. */
export function RunsPage() {
  const api = useApi();
  const tick = useLiveRefresh();
  const [status, setStatus] = useState('');
  const [flow, setFlow] = useState('');
  const [page, setPage] = useState(0);
  const [runs, setRuns] = useState<readonly RunSummary[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const stop = new AbortController();
    const query = new URLSearchParams({
      limit: String(PAGE_SIZE + 1),
      offset: String(page * PAGE_SIZE),
    });
    if (status !== '') query.set('status', status);
    if (flow.trim() !== '') query.set('flowName', flow.trim());
    api
      .call<{ runs: RunSummary[] }>(`runs?${query}`, { signal: stop.signal })
      .then((answer) => {
        setRuns(answer.runs);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (!stop.signal.aborted) setError(e);
      });
    return () => stop.abort();
  }, [api, status, flow, page, tick]);
  const shown = runs?.slice(0, PAGE_SIZE) ?? [];
  const hasNext = (runs?.length ?? 0) > PAGE_SIZE;
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <form
        class="filters"
        onSubmit={(e) => e.preventDefault()}
        role="search"
        aria-label="Filter runs"
      >
        <label>
          Status
          <select value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPage(0))}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Flow name
          <input
            type="search"
            value={flow}
            onInput={(e) => (setFlow(e.currentTarget.value), setPage(0))}
            placeholder="any flow"
          />
        </label>
      </form>
      <ErrorNote error={error} />
      <div class="table-scroll">
        <table class="runs">
          <caption class="sr-only">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Run</th>
              <th scope="col">Flow</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Trigger</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((run) => (
              <tr key={run.runId} data-run={run.runId} data-status={run.status}>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>
                  <a href={runHref(run.runId)} class="mono">
                    {run.runId.slice(0, 8)}
                  </a>
                </td>
                <td>{run.flowName ?? <span class="muted">{run.flowId.slice(0, 12)}</span>}</td>
                <td>{formatTime(run.createdAt)}</td>
                <td>{formatDuration(elapsed(run.createdAt, run.completedAt))}</td>
                <td>{triggerOf(run)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs !== undefined && shown.length === 0 ? <p class="muted">No runs match.</p> : null}
      <nav class="pager" aria-label="Pages of runs">
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Newer
        </button>
        <span aria-live="polite">Page {page + 1}</span>
        <button type="button" disabled={!hasNext} onClick={() => setPage(page + 1)}>
          Older
        </button>
      </nav>
    </section>
  );
}

/** What started a run: a batch, a parent run's step, or a call to the API. */
function triggerOf(run: RunSummary): string {
  if (run.batchId !== undefined) return 'batch';
  if (run.parentRunId !== undefined) return 'nested';
  return 'api';
}
