import 'virtual:rare-han-font.css';
import '../base.css';
import './light.css';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../app/i18n.js';

/** Starts a light page: the shared fonts and styles, the language, and the page itself. No staff shell. */
export function mountLightPage(page: ReactNode) {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nProvider>{page}</I18nProvider>
    </StrictMode>,
  );
}
