import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Everything the page needs is bundled and served by the platform itself: no CDN, no web fonts.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
