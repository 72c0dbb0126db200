import react from '@vitejs/plugin-react';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { rareHanFont } from './scripts/web-build/rare-han-font.js';
import { releaseBuild } from './scripts/web-build/release-plugin.js';
import { webSourceHash } from './scripts/web-build/source-hash.js';
import { WEB_ENTRIES } from './src/shared/web-entries.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const webDir = join(root, 'src/web');

// Everything the page needs is bundled and served by the platform itself: no CDN, no web fonts from outside.
export default defineConfig(({ command }) => {
  // The served UI is always the production build, even under the README's default NODE_ENV=development: the
  // development runtime (jsxDEV, dev warnings) doubles the JS a phone downloads. (Vite reads NODE_ENV after this.)
  if (command === 'build') process.env.NODE_ENV = 'production';
  const sourceHash = command === 'build' ? webSourceHash(root) : 'dev';
  const buildsDir = join(root, 'dist/web-builds');
  const outDir = join(buildsDir, `${sourceHash}-${Date.now().toString(36)}`);
  // The grid app's own files, found while bundling: the service worker keeps exactly these on the phone.
  const gridFiles = new Set<string>();

  return {
    root: 'src/web',
    plugins: [
      rareHanFont(),
      react(),
      {
        name: 'fengqiao:grid-files',
        apply: 'build',
        generateBundle(_, bundle) {
          const add = (fileName: string) => {
            if (gridFiles.has(fileName)) return;
            gridFiles.add(fileName);
            const chunk = bundle[fileName];
            if (chunk?.type !== 'chunk') return;
            chunk.imports.forEach(add);
            chunk.viteMetadata?.importedCss.forEach((f) => gridFiles.add(f));
            chunk.viteMetadata?.importedAssets.forEach((f) => gridFiles.add(f));
          };
          for (const chunk of Object.values(bundle))
            if (chunk.type === 'chunk' && chunk.isEntry && chunk.name === 'grid') add(chunk.fileName);
          gridFiles.add('grid.html');
        },
      },
      // The service worker keeps the grid workers' app on the device, so it opens and queues reports with no
      // network. Only that app: a resident opening the portal is not sent the staff app to cache. API answers are
      // never cached by it: the queue in IndexedDB is what survives offline. The grid page registers it itself
      // and links the manifest (public/grid.webmanifest), so no other page carries either.
      VitePWA({
        registerType: 'autoUpdate',
        injectRegister: false,
        manifest: false,
        workbox: {
          globPatterns: ['**/*.{js,css,html,png}'],
          manifestTransforms: [
            async (entries) => ({ manifest: entries.filter((e) => gridFiles.has(e.url) || /\.png$/.test(e.url)), warnings: [] }),
          ],
          // The rare-character font slices are fetched when a name needs one; kept once fetched, for offline use.
          runtimeCaching: [{ urlPattern: /\/assets\/[^/]+\.woff2$/, handler: 'CacheFirst', options: { cacheName: 'fonts' } }],
          maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
          navigateFallback: '/grid.html',
          navigateFallbackAllowlist: [/^\/grid\/?$/],
          cleanupOutdatedCaches: true,
          // Take over the open page as soon as the shell is cached, so the first visit already works offline.
          clientsClaim: true,
          skipWaiting: true,
        },
      }),
      releaseBuild({ link: join(root, 'dist/web'), buildsDir, outDir, sourceHash }),
    ],
    build: {
      outDir,
      emptyOutDir: true,
      // The largest chunk is ECharts (~670 kB), loaded only by the command centre's pages.
      chunkSizeWarningLimit: 800,
      // One HTML per entry: the staff app and each light page (src/shared/web-entries.ts).
      rollupOptions: {
        input: Object.fromEntries([
          ['index', resolve(webDir, 'index.html')],
          ...WEB_ENTRIES.map((e) => [e.name, resolve(webDir, `${e.name}.html`)]),
        ]),
      },
    },
    server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  };
});
