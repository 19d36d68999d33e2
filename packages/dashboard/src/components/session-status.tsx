import { useEffect, useState } from 'react';
import { getSession, logout, type SessionInfo } from '../api/session.js';

/** "Signed in as …" and a logout button, when the server requires sign-in. */
export function SessionStatus() {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal)
      .then(setSession)
      .catch(() => {});
    return () => controller.abort();
  }, []);
  if (session === undefined || !session.authenticationRequired || session.user === null) return null;
  return (
    <span className="topbar-session" data-testid="session-status">
      Signed in as <strong>{session.user}</strong>
      {session.via === 'session' ? (
        <button type="button" className="logout" data-testid="logout" onClick={() => void logout()}>
          Log out
        </button>
      ) : null}
    </span>
  );
}
