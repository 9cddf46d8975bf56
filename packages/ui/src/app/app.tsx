import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiRequestError, createApiClient } from '../api/api-client.ts';
import { loadToken, saveToken } from '../api/token-store.ts';
import { BatchesPage, BatchPage } from '../pages/batches-page.tsx';
import { ComponentsPage } from '../pages/components-page.tsx';
import { FlowsPage } from '../pages/flows-page.tsx';
import { QuestionsPage } from '../pages/questions-page.tsx';
import { RunPage } from '../pages/run-page.tsx';
import { RunsPage } from '../pages/runs-page.tsx';
import { ApiContext } from './api-context.ts';
import type { Route } from './hash-route.ts';
import { useHashRoute } from './hash-route.ts';
import { LoginForm } from './login-form.tsx';

const NAV = [
  { href: '#/runs', label: 'Runs', pages: ['runs', 'run'] },
  { href: '#/flows', label: 'Flows', pages: ['flows'] },
  { href: '#/batches', label: 'Batches', pages: ['batches', 'batch'] },
  { href: '#/questions', label: 'Questions', pages: ['questions'] },
  { href: '#/components', label: 'Components', pages: ['components'] },
] as const;

/** The app: navigation, sign-in when the service wants a token, and the current page. */
export function App() {
  const route = useHashRoute();
  const [token, setToken] = useState(loadToken);
  const [access, setAccess] = useState<'checking' | 'ok' | 'login'>('checking');
  const api = useMemo(() => createApiClient(() => token), [token]);
  useEffect(() => {
    setAccess('checking');
    api.call('runs?limit=1').then(
      () => setAccess('ok'),
      (e: unknown) => setAccess(e instanceof ApiRequestError && e.status === 401 ? 'login' : 'ok'),
    );
  }, [api]);
  const firstRoute = useRef(true);
  useEffect(() => {
    document.title = `${NAV.find((n) => (n.pages as readonly string[]).includes(route.page))?.label ?? 'Runs'} · Stepflow`;
    // After a navigation, focus goes to the new page (as a page load would reset it).
    if (!firstRoute.current) document.getElementById('main')?.focus();
    firstRoute.current = false;
  }, [route]);
  const signIn = (value: string | undefined): void => {
    saveToken(value);
    setToken(value);
  };
  return (
    <ApiContext.Provider value={api}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Stepflow</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a
                  href={n.href}
                  aria-current={
                    (n.pages as readonly string[]).includes(route.page) ? 'page' : undefined
                  }
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {token === undefined ? null : (
          <button type="button" class="link" onClick={() => signIn(undefined)}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {access === 'checking' ? <p class="muted">Connecting…</p> : null}
        {access === 'login' ? <LoginForm rejected={token !== undefined} onToken={signIn} /> : null}
        {access === 'ok' ? <Page route={route} /> : null}
      </main>
    </ApiContext.Provider>
  );
}

function Page({ route }: { readonly route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage runId={route.runId} />;
    case 'flows':
      return <FlowsPage />;
    case 'batches':
      return <BatchesPage />;
    case 'batch':
      return <BatchPage batchId={route.batchId} />;
    case 'questions':
      return <QuestionsPage />;
    case 'components':
      return <ComponentsPage />;
  }
}
