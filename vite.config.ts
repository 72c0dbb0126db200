import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Everything the page needs is bundled and served by the platform itself: no CDN, no web fonts.
export default defineConfig({
  root: 'src/web',
  plugins: [
    react(),
    // The service worker keeps the app shell on the device, so the grid workers' app opens and queues reports with
    // no network. API answers are never cached by it: the queue in IndexedDB is what survives offline.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      manifest: {
        name: '枫桥网格通',
        short_name: '网格通',
        description: '网格员上报、巡查打卡与就地化解（离线可用）',
        lang: 'zh-CN',
        start_url: '/grid',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#b71c1c',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,woff2}'],
        maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/open311\//],
        cleanupOutdatedCaches: true,
        // Take over the open page as soon as the shell is cached, so the first visit already works offline.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
