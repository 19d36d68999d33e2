import { createHash } from 'node:crypto';

const STYLE = `body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}
main{max-width:22rem;margin:12vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 1.2rem}label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
input{box-sizing:border-box;width:100%;padding:.5rem;font-size:1rem;border:1px solid #b8bfcc;border-radius:4px}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;border:0;border-radius:4px;background:#2d5bd7;color:#fff}
.error{color:#a4161a;margin:.8rem 0 0}.hint{font-size:.8rem;color:#5b6475;margin-top:1rem}`;

/** The login page allows exactly its own inline style and a form posting to itself: no script at all. */
export const LOGIN_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LoginPageOptions {
  next: string;
  error?: string;
  /** False when only a single sign-on proxy can authenticate. */
  acceptsLogins: boolean;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error =
    options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`;
  const form = options.acceptsLogins
    ? `<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label for="user">User name</label>
<input id="user" name="user" autocomplete="username" autocapitalize="none" spellcheck="false">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
${error}
<button type="submit">Sign in</button>
</form>
<p class="hint">To sign in with a read token, leave the user name empty and paste the token as the password.</p>`
    : `<p>Sign in through your organisation's single sign-on proxy.</p>${error}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in · Tapline</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to Tapline</h1>
${form}
</main>
</body>
</html>
`;
}
