import { useEffect, useState } from 'preact/hooks';
import { ApiRequestError } from '../api/api-client.ts';
import type { Question } from '../api/api-types.ts';
import { useApi } from '../app/api-context.ts';
import { runHref } from '../app/hash-route.ts';
import { useLiveRefresh } from '../app/use-live-refresh.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { JsonView } from '../components/json-view.tsx';
import { SchemaForm } from '../components/schema-form-view.tsx';
import { formatTime } from '../model/format.ts';
import { errorsFromMessages, formFieldsOf } from '../model/schema-form.ts';

/** Every open human-in-the-loop question, each with a form for its answer. */
export function QuestionsPage() {
  const api = useApi();
  const tick = useLiveRefresh();
  const [questions, setQuestions] = useState<readonly Question[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  useEffect(() => {
    api.call<{ questions: Question[] } | Question[]>('questions').then(
      (answer) => {
        setQuestions(Array.isArray(answer) ? answer : answer.questions);
        setError(undefined);
      },
      (e: unknown) =>
        setError(
          e instanceof ApiRequestError && e.status === 404
            ? new Error('This service does not support questions (no /api/v1/questions route).')
            : e,
        ),
    );
  }, [api, tick, reload]);
  const answer =
    (q: Question) =>
    async (value: unknown): Promise<Record<string, string> | undefined> => {
      try {
        await api.call(
          `runs/${encodeURIComponent(q.runId)}/questions/${encodeURIComponent(q.stepId)}`,
          {
            body: { answer: value },
          },
        );
        setReload((n) => n + 1);
        return undefined;
      } catch (e) {
        if (e instanceof ApiRequestError && e.status === 409) {
          setReload((n) => n + 1);
          return { '': 'This question was already answered.' };
        }
        if (e instanceof ApiRequestError && e.status === 400)
          return errorsFromMessages(formFieldsOf(q.schema), violationsOf(e));
        return { '': e instanceof Error ? e.message : String(e) };
      }
    };
  return (
    <section aria-labelledby="questions-title">
      <h1 id="questions-title">Questions</h1>
      <ErrorNote error={error} />
      {questions !== undefined && questions.length === 0 ? (
        <p class="muted">No open questions.</p>
      ) : null}
      {(questions ?? []).map((q) => {
        const id = `q-${q.runId.slice(0, 8)}-${q.stepId}`.replace(/[^\w-]/g, '_');
        return (
          <article
            key={`${q.runId}/${q.stepId}`}
            class="question"
            aria-labelledby={`${id}-title`}
            data-run={q.runId}
          >
            <h2 id={`${id}-title`}>
              {typeof q.prompt === 'string' ? q.prompt : `Step ${q.stepId}`}
            </h2>
            <p class="meta">
              Run{' '}
              <a href={runHref(q.runId)} class="mono">
                {q.runId.slice(0, 8)}
              </a>{' '}
              · step {q.stepId} · asked {formatTime(q.createdAt)}
              {q.expiresAt == null ? '' : ` · expires ${formatTime(q.expiresAt)}`}
            </p>
            {typeof q.prompt === 'string' ? null : <JsonView label="Prompt" value={q.prompt} />}
            <SchemaForm
              schema={q.schema}
              idPrefix={id}
              submitLabel="Send answer"
              onSubmit={answer(q)}
            />
          </article>
        );
      })}
    </section>
  );
}

/** The violations a 400 answer names: its `violations`/`errors` list, else its message's parts. */
function violationsOf(error: ApiRequestError): string[] {
  const body = error.body as { violations?: unknown; errors?: unknown } | undefined;
  const list = body?.violations ?? body?.errors;
  if (Array.isArray(list))
    return list.map((v) =>
      typeof v === 'string'
        ? v
        : typeof v === 'object' && v !== null
          ? Object.values(v as Record<string, unknown>)
              .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
              .join(': ')
          : String(v),
    );
  return error.message.split('; ');
}
