import { mountLightPage } from '../light/mount.js';
import { GridAppPage } from '../pages/grid/grid-app-page.js';

mountLightPage(<GridAppPage />);

// The service worker keeps this app on the phone for offline use (only this page registers it: see vite.config.ts).
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js', { scope: '/' });
