/** Who is signed in, as `GET /api/session` reports it. */
export interface SessionInfo {
  authenticationRequired: boolean;
  user: string | null;
  via: 'token' | 'session' | 'proxy' | null;
}

/**
 * Sends the browser to the server's login page, remembering this page: after signing in the user comes
 * back here (the server accepts only same-site paths as the way back).
 */
export function redirectToLogin(): void {
  const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  window.location.assign(`/login?next=${encodeURIComponent(here)}`);
}

export async function getSession(signal?: AbortSignal): Promise<SessionInfo | undefined> {
  const response = await fetch('/api/session', {
    headers: { accept: 'application/json' },
    signal: signal ?? null,
  });
  return response.ok ? ((await response.json()) as SessionInfo) : undefined;
}

/** Ends the session on the server (the page's CSP allows no form posts, so this is a fetch). */
export async function logout(): Promise<void> {
  await fetch('/logout', { method: 'POST', redirect: 'manual' });
  window.location.assign('/login');
}
