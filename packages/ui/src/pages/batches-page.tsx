import { useEffect, useState } from 'preact/hooks';
import type { BatchDetails, BatchSummary, RunSummary } from '../api/api-types.ts';
import { useApi } from '../app/api-context.ts';
import { batchHref, runHref } from '../app/hash-route.ts';
import { useLiveRefresh } from '../app/use-live-refresh.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatTime } from '../model/format.ts';

const PAGE_SIZE = 25;

/** The service's batches, newest first, refreshed live; and opening one by id. */
export function BatchesPage() {
  const api = useApi();
  const tick = useLiveRefresh();
  const [id, setId] = useState('');
  const [offset, setOffset] = useState(0);
  const [batches, setBatches] = useState<readonly BatchSummary[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api
      .call<{ batches: BatchSummary[] }>(`batches?limit=${PAGE_SIZE}&offset=${offset}`)
      .then((answer) => {
        setBatches(answer.batches);
        setError(undefined);
      }, setError);
  }, [api, offset, tick]);
  return (
    <section aria-labelledby="batches-title">
      <h1 id="batches-title">Batches</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim() !== '') location.hash = batchHref(id.trim());
        }}
      >
        <label>
          Batch id
          <input value={id} onInput={(e) => setId(e.currentTarget.value)} />
        </label>
        <button type="submit">Open</button>
      </form>
      <ErrorNote error={error} />
      <p class="muted">Start a batch from the Flows page.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Status</th>
            <th scope="col">Flow</th>
            <th scope="col">Inputs</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((batch) => (
            <tr key={batch.batchId} data-batch={batch.batchId}>
              <td>
                <a class="mono" href={batchHref(batch.batchId)}>
                  {batch.batchId}
                </a>
              </td>
              <td>
                <StatusBadge status={batch.status} />
              </td>
              <td>{batch.flowName ?? batch.flowId}</td>
              <td>{batch.totalInputs}</td>
              <td>{formatTime(batch.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={batches.length < PAGE_SIZE}
          onClick={() => setOffset(offset + PAGE_SIZE)}
        >
          Older
        </button>
      </div>
    </section>
  );
}

/** One batch: progress, per-input outcomes, outputs as JSONL, cancel. */
export function BatchPage({ batchId }: { readonly batchId: string }) {
  const api = useApi();
  const tick = useLiveRefresh();
  const [batch, setBatch] = useState<BatchDetails | undefined>();
  const [runs, setRuns] = useState<readonly RunSummary[]>([]);
  const [error, setError] = useState<unknown>();
  const path = `batches/${encodeURIComponent(batchId)}`;
  useEffect(() => {
    Promise.all([
      api.call<BatchDetails>(path),
      api.call<{ runs: RunSummary[] }>(`${path}/runs`),
    ]).then(([details, list]) => {
      setBatch(details);
      setRuns([...list.runs].sort((a, b) => (a.batchInputIndex ?? 0) - (b.batchInputIndex ?? 0)));
      setError(undefined);
    }, setError);
  }, [api, batchId, tick]);
  const download = async (): Promise<void> => {
    try {
      const answer = await api.call<{ outputs: unknown[] }>(`${path}/outputs`);
      const text = answer.outputs.map((o) => JSON.stringify(o)).join('\n') + '\n';
      const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `batch-${batchId}.jsonl`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    }
  };
  const cancel = async (): Promise<void> => {
    try {
      await api.call(`${path}/cancel`, { method: 'POST' });
      setBatch(await api.call<BatchDetails>(path));
    } catch (e) {
      setError(e);
    }
  };
  const done =
    batch === undefined ? 0 : batch.completedRuns + batch.failedRuns + batch.cancelledRuns;
  return (
    <section aria-labelledby="batch-title">
      <h1 id="batch-title">
        Batch <span class="mono">{batchId}</span>{' '}
        {batch === undefined ? null : <StatusBadge status={batch.status} />}
      </h1>
      <ErrorNote error={error} />
      {batch === undefined ? null : (
        <>
          <p class="meta">
            Flow {batch.flowName ?? batch.flowId} · started {formatTime(batch.createdAt)}
            {batch.completedAt === null ? '' : ` · ended ${formatTime(batch.completedAt)}`}
          </p>
          <label for="batch-progress">
            {done} of {batch.totalInputs} done
          </label>
          <progress
            id="batch-progress"
            class="batch-progress"
            max={batch.totalInputs}
            value={done}
          />
          <p class="counts" aria-live="polite">
            <span>completed {batch.completedRuns}</span> · <span>failed {batch.failedRuns}</span> ·{' '}
            <span>running {batch.runningRuns}</span> · <span>paused {batch.pausedRuns}</span> ·{' '}
            <span>cancelled {batch.cancelledRuns}</span>
          </p>
          <div class="actions">
            <button type="button" onClick={() => void download()}>
              Download outputs (JSONL)
            </button>
            <button
              type="button"
              onClick={() => void cancel()}
              disabled={batch.status !== 'running'}
            >
              Cancel batch
            </button>
          </div>
          <div class="table-scroll">
            <table>
              <caption class="sr-only">Outcome of each input</caption>
              <thead>
                <tr>
                  <th scope="col">Input</th>
                  <th scope="col">Status</th>
                  <th scope="col">Run</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.runId} data-status={run.status}>
                    <td>#{run.batchInputIndex}</td>
                    <td>
                      <StatusBadge status={run.status} />
                    </td>
                    <td>
                      <a class="mono" href={runHref(run.runId)}>
                        {run.runId.slice(0, 8)}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
