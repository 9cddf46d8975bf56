import { buildFlowGraph } from '@stepflow/runtime/flow-graph';
import { useMemo, useState } from 'preact/hooks';
import { ApiRequestError } from '../api/api-client.ts';
import type { Diagnostic } from '../api/api-types.ts';
import { useApi } from '../app/api-context.ts';
import { batchHref, runHref } from '../app/hash-route.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { FlowGraphView } from '../components/flow-graph-view.tsx';
import { SchemaForm } from '../components/schema-form-view.tsx';
import { parseFlowText, parseJsonLines } from '../model/parse-flow-text.ts';
import { errorsFromMessages, formFieldsOf } from '../model/schema-form.ts';

interface StoredFlow {
  readonly flowId?: string;
  readonly flow: Record<string, unknown>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Upload or paste a flow, see its diagnostics and graph, start a run or a batch of it. */
export function FlowsPage() {
  const api = useApi();
  const [text, setText] = useState('');
  const [stored, setStored] = useState<StoredFlow | undefined>();
  const [error, setError] = useState<unknown>();
  const [batchText, setBatchText] = useState('');
  const [batchError, setBatchError] = useState<unknown>();
  const check = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setStored(undefined);
    try {
      const flow = parseFlowText(text);
      const answer = await api.call<{
        flowId?: string;
        diagnostics: { diagnostics: Diagnostic[] };
      }>('flows', {
        body: { flow },
      });
      setStored({
        flow,
        diagnostics: answer.diagnostics.diagnostics,
        ...(answer.flowId === undefined ? {} : { flowId: answer.flowId }),
      });
    } catch (e) {
      setError(e);
    }
  };
  const upload = async (event: Event): Promise<void> => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file !== undefined) setText(await file.text());
  };
  const graph = useMemo(
    () => (stored === undefined ? undefined : buildFlowGraph(stored.flow as never)),
    [stored],
  );
  const startRun = async (input: unknown): Promise<Record<string, string> | undefined> => {
    try {
      const answer = await api.call<{ runId: string }>('runs', {
        body: { flowId: stored!.flowId, input, wait: false },
      });
      location.hash = runHref(answer.runId);
      return undefined;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof ApiRequestError && e.status === 400)
        return errorsFromMessages(formFieldsOf(stored!.flow.inputSchema), message.split('; '));
      return { '': message };
    }
  };
  const startBatch = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBatchError(undefined);
    try {
      const inputs = parseJsonLines(batchText);
      if (inputs.length === 0) throw new Error('Give at least one input, one JSON value per line');
      const answer = await api.call<{ batchId: string }>('batches', {
        body: { flowId: stored!.flowId, inputs },
      });
      location.hash = batchHref(answer.batchId);
    } catch (e) {
      setBatchError(e);
    }
  };
  return (
    <section aria-labelledby="flows-title">
      <h1 id="flows-title">Flows</h1>
      <form onSubmit={(e) => void check(e)} class="flow-form">
        <label for="flow-file">Upload a flow (YAML or JSON)</label>
        <input
          id="flow-file"
          type="file"
          accept=".yaml,.yml,.json,application/json,text/yaml"
          onChange={(e) => void upload(e)}
        />
        <label for="flow-text">Or paste it</label>
        <textarea
          id="flow-text"
          class="code"
          rows={14}
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit">Check and store</button>
      </form>
      <ErrorNote error={error} />
      {stored === undefined ? null : (
        <>
          <h2>Diagnostics</h2>
          {stored.diagnostics.length === 0 ? (
            <p class="ok">No problems found.</p>
          ) : (
            <ul class="diagnostics">
              {stored.diagnostics.map((d, i) => (
                <li key={i} class={`level-${d.level}`}>
                  <strong>{d.level}</strong>{' '}
                  <code>{d.path.length === 0 ? '(flow)' : d.path.join('.')}</code>
                  {d.stepId === undefined ? '' : ` (step ${d.stepId})`}: {d.message}
                </li>
              ))}
            </ul>
          )}
          {stored.flowId === undefined ? (
            <p class="error" role="alert">
              The flow was not stored: fix the errors above.
            </p>
          ) : (
            <p>
              Stored as <code class="mono">{stored.flowId}</code>
            </p>
          )}
          <h2>Graph</h2>
          {graph === undefined ? null : <FlowGraphView graph={graph} />}
          {stored.flowId === undefined ? null : (
            <div class="start-grid">
              <div>
                <h2>Start a run</h2>
                <SchemaForm
                  key={stored.flowId}
                  schema={stored.flow.inputSchema}
                  idPrefix="run-input"
                  submitLabel="Start run"
                  onSubmit={startRun}
                />
              </div>
              <form onSubmit={(e) => void startBatch(e)}>
                <h2>Start a batch</h2>
                <label for="batch-inputs">Inputs, one JSON value per line</label>
                <textarea
                  id="batch-inputs"
                  class="code"
                  rows={6}
                  spellcheck={false}
                  value={batchText}
                  onInput={(e) => setBatchText(e.currentTarget.value)}
                />
                <ErrorNote error={batchError} />
                <button type="submit">Start batch</button>
              </form>
            </div>
          )}
        </>
      )}
    </section>
  );
}
