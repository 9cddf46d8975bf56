import { useEffect, useState } from 'preact/hooks';
import type { ComponentInfo } from '../api/api-types.ts';
import { useApi } from '../app/api-context.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { JsonView } from '../components/json-view.tsx';

/** Every component of every plugin, with its input and output schemas. */
export function ComponentsPage() {
  const api = useApi();
  const [components, setComponents] = useState<readonly ComponentInfo[] | undefined>();
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api
      .call<{ components: ComponentInfo[] }>('components?includeSchemas=true')
      .then((a) => setComponents(a.components), setError);
  }, [api]);
  const shown = (components ?? []).filter((c) =>
    c.component.toLowerCase().includes(filter.toLowerCase()),
  );
  return (
    <section aria-labelledby="components-title">
      <h1 id="components-title">Components</h1>
      <label class="filters">
        Filter
        <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </label>
      <ErrorNote error={error} />
      {components === undefined ? <p class="muted">Loading…</p> : null}
      <ul class="components">
        {shown.map((c) => (
          <li key={`${c.plugin}:${c.component}`}>
            <details>
              <summary>
                <code>{c.component}</code> <span class="muted">({c.plugin})</span>
                {c.description === undefined ? null : (
                  <span class="description"> — {c.description}</span>
                )}
              </summary>
              <JsonView label="Input schema" value={c.inputSchema} />
              <JsonView label="Output schema" value={c.outputSchema} />
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
