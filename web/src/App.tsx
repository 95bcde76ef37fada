import { useEffect, useState } from 'react';
import type { ApiClient } from './api/client';
import { isAdmin, type Session } from './api/types';
import type { EventSourceFactory } from './lib/eventStream';
import { Link, navigate, parseRoute, useLocation } from './lib/router';
import { AuditPage } from './pages/AuditPage';
import { BudgetPage } from './pages/BudgetPage';
import { CostPage } from './pages/CostPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SignInPage } from './pages/SignInPage';
import { TaskPage } from './pages/TaskPage';

const SIGNED_IN = 'kleiber.signedIn';

/** Whether this browser holds a session cookie, as far as the page knows (the cookie itself is HttpOnly). */
function signedInBefore(): boolean {
  try {
    return window.localStorage.getItem(SIGNED_IN) === '1';
  } catch {
    return true;
  }
}

function rememberSignIn(signedIn: boolean): void {
  try {
    if (signedIn) window.localStorage.setItem(SIGNED_IN, '1');
    else window.localStorage.removeItem(SIGNED_IN);
  } catch {
    // storage disabled: the page asks the server each time
  }
}

interface Props {
  api: ApiClient;
  events?: EventSourceFactory;
}

export function App({ api, events }: Props) {
  const path = useLocation();
  const route = parseRoute(path);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [problem, setProblem] = useState('');

  useEffect(() => {
    // Ask the server only when this browser signed in before: a 401 for a first visit is a console error for nothing.
    if (!signedInBefore()) {
      setSession(null);
      return;
    }
    api.session().then(
      (s) => {
        rememberSignIn(s !== null);
        setSession(s);
      },
      (e: unknown) => {
        setSession(null);
        setProblem(e instanceof Error ? e.message : String(e));
      },
    );
  }, [api]);

  if (session === undefined) {
    return <p className="p-4">Loading…</p>;
  }
  if (session === null || route.page === 'signin') {
    return (
      <SignInPage
        api={api}
        problem={problem}
        onSignedIn={(s) => {
          rememberSignIn(true);
          setSession(s);
          if (route.page === 'signin') navigate('/');
        }}
      />
    );
  }

  const signOut = () => {
    void api.signOut().finally(() => {
      rememberSignIn(false);
      setSession(null);
    });
  };

  return (
    <div className="mx-auto max-w-6xl">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2 focus:text-slate-900">
        Skip to content
      </a>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-300 px-3 py-2 dark:border-slate-700">
        <nav aria-label="Main" className="flex flex-wrap items-center gap-3">
          <Link href="/" className="font-bold">
            Kleiber
          </Link>
          <Link href="/" className="underline-offset-2 hover:underline">
            Runs
          </Link>
          <Link href="/cost" className="underline-offset-2 hover:underline">
            Cost
          </Link>
          <Link href="/budget" className="underline-offset-2 hover:underline">
            Budget
          </Link>
          {isAdmin(session.scope) ? (
            <Link href="/audit" className="underline-offset-2 hover:underline">
              Audit
            </Link>
          ) : null}
        </nav>
        <div className="flex items-center gap-2 text-sm">
          <span>
            {session.name} <span className="rounded bg-slate-200 px-1 text-slate-800 dark:bg-slate-700 dark:text-slate-100">{session.scope}</span>
          </span>
          <button type="button" onClick={signOut} className="rounded border border-slate-500 px-2 py-1">
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="space-y-4 p-3">
        {route.page === 'runs' ? <RunsPage api={api} /> : null}
        {route.page === 'run' ? <RunPage api={api} run={route.run} events={events} /> : null}
        {route.page === 'task' ? <TaskPage api={api} session={session} run={route.run} task={route.task} events={events} /> : null}
        {route.page === 'cost' ? <CostPage key={route.run ?? ''} api={api} run={route.run ?? ''} /> : null}
        {route.page === 'budget' ? <BudgetPage api={api} session={session} /> : null}
        {route.page === 'audit' ? <AuditPage api={api} /> : null}
        {route.page === 'missing' ? (
          <p>
            Nothing at {route.path}. <Link href="/">All runs</Link>
          </p>
        ) : null}
      </main>
    </div>
  );
}
