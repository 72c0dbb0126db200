import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { Root } from './app/root.js';

// The platform's Content-Security-Policy has no 'unsafe-eval' (plugins/security-headers.ts): zod would probe
// `new Function` for its faster parsers and log a CSP violation; it validates the same way without.
z.config({ jitless: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
