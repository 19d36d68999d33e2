import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { SessionStatus } from './session-status.js';

export function Layout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          Tapline
        </Link>
        <span className="topbar-sub">API inventory from live Lambda &amp; AppSync traffic</span>
        <SessionStatus />
      </header>
      <main className="content">{children}</main>
    </div>
  );
}

export function ErrorBanner({ error }: { error: Error | undefined }) {
  if (error === undefined) return null;
  return (
    <p className="error" role="alert">
      Could not load data: {error.message}
    </p>
  );
}

export function Breadcrumbs({ children }: { children: ReactNode }) {
  return <nav className="breadcrumbs">{children}</nav>;
}
