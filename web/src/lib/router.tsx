import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; run: string }
  | { page: 'task'; run: string; task: string }
  | { page: 'cost'; run?: string }
  | { page: 'budget' }
  | { page: 'audit' }
  | { page: 'signin' }
  | { page: 'missing'; path: string };

/** Reads a dashboard path; the server answers index.html for every non-API path, so these are real URLs. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'runs')) return { page: 'runs' };
  if (parts[0] === 'runs' && parts.length === 2) return { page: 'run', run: parts[1] };
  if (parts[0] === 'runs' && parts.length === 4 && parts[2] === 'tasks') {
    return { page: 'task', run: parts[1], task: parts[3] };
  }
  if (parts.length === 1 && parts[0] === 'cost') return { page: 'cost' };
  if (parts.length === 2 && parts[0] === 'cost') return { page: 'cost', run: parts[1] };
  if (parts.length === 1 && parts[0] === 'budget') return { page: 'budget' };
  if (parts.length === 1 && parts[0] === 'audit') return { page: 'audit' };
  if (parts.length === 1 && parts[0] === 'signin') return { page: 'signin' };
  return { page: 'missing', path: pathname };
}

export function runPath(run: string): string {
  return `/runs/${encodeURIComponent(run)}`;
}

export function taskPath(run: string, task: string): string {
  return `/runs/${encodeURIComponent(run)}/tasks/${encodeURIComponent(task)}`;
}

/** The Cost page about one run (all its days), or about every run when `run` is empty. */
export function costPath(run: string): string {
  return run ? `/cost/${encodeURIComponent(run)}` : '/cost';
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useLocation(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return path;
}

/** An ordinary link (keyboard, middle click and copy work) that moves within the page without a reload. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
