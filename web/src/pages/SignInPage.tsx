import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/client';
import type { Session } from '../api/types';

interface Props {
  api: ApiClient;
  problem: string;
  onSignedIn: (session: Session) => void;
}

/**
 * Exchanges a token (or the one-time code of a sign-in link, `?code=`) for the session cookie. The token is
 * sent once and never stored by the page; the code is removed from the address bar so it is not bookmarked.
 */
export function SignInPage({ api, problem, onSignedIn }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(problem);
  const [busy, setBusy] = useState(false);
  const triedCode = useRef(false);

  useEffect(() => {
    const code = new URLSearchParams(window.location.search).get('code');
    if (!code || triedCode.current) return;
    triedCode.current = true;
    window.history.replaceState(null, '', window.location.pathname);
    setBusy(true);
    api.signIn({ code }).then(onSignedIn, (e: unknown) => {
      setBusy(false);
      setError(`The sign-in link did not work (${e instanceof Error ? e.message : String(e)}); it works once. Sign in with a token.`);
    });
  }, [api, onSignedIn]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) {
      setError('Paste a token made with `kleiber token create`.');
      return;
    }
    setBusy(true);
    setError('');
    api.signIn({ token: token.trim() }).then(onSignedIn, (e: unknown) => {
      setBusy(false);
      setError(e instanceof Error ? e.message : String(e));
    });
  };

  return (
    <main id="main" className="mx-auto max-w-md space-y-4 p-4">
      <h1 className="text-2xl font-bold">Sign in to Kleiber</h1>
      <form onSubmit={submit} className="space-y-3">
        <label htmlFor="token" className="block font-medium">
          Token
        </label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
          className="w-full rounded border border-slate-500 bg-white p-2 font-mono text-slate-900 dark:bg-slate-900 dark:text-slate-100"
        />
        <p id="token-help" className="text-sm text-slate-700 dark:text-slate-300">
          Make one with <code>kleiber token create --name you --scope approve</code>. Its scope decides what you can do here.
        </p>
        <button type="submit" disabled={busy} className="min-h-11 rounded bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800 disabled:opacity-60">
          Sign in
        </button>
      </form>
      {error ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-200">
          {error}
        </p>
      ) : null}
    </main>
  );
}
