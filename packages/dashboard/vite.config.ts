import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// During `npm run dev -w @tapline/dashboard`, API calls go to a running `tapline serve` (default port 9091).
const apiTarget = process.env.TAPLINE_API ?? 'http://127.0.0.1:9091';

/**
 * Captured traffic is attacker-controlled: even if some text ever reached the DOM as markup, this policy
 * keeps inline and foreign scripts from running. Only in the build: Vite's dev server needs inline scripts.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'tapline-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), contentSecurityPolicy()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': apiTarget } },
});
