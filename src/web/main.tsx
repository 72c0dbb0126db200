import 'virtual:rare-han-font.css';
import './base.css';
import './app/staff.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { Root } from './app/root.js';

// The platform's Content-Security-Policy has no 'unsafe-eval' (plugins/security-headers.ts): zod would probe
// `new Function` for its faster parsers and log a CSP violation; it validates the same way without.
z.config({ jitless: true });
// A page left open across a release asks for a script of the old build, which is gone (404): load the new build
// instead of failing — at most once a minute, so a build that fails to load its own scripts cannot loop.
window.addEventListener('vite:preloadError', (event) => {
  const last = Number(sessionStorage.getItem('fq.reloadedForBuild') ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem('fq.reloadedForBuild', String(Date.now()));
  event.preventDefault();
  window.location.reload();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
