/**
 * `npm run build:web` (run by `npm start` and `npm test`): builds the web UI only when its sources changed since the
 * build `dist/web` points at, so a second start does not wait for a build. Always the production build (see
 * vite.config.ts). `--force` builds anyway.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'vite';
import { currentBuildHash } from './web-build/release-plugin.js';
import { webSourceHash } from './web-build/source-hash.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const isForced = process.argv.includes('--force');
const hash = webSourceHash(root);
if (!isForced && currentBuildHash(join(root, 'dist/web')) === hash) {
  console.log(`web UI up to date (sources ${hash}); not rebuilt`);
} else {
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  console.log(`web UI built (sources ${hash})`);
}
