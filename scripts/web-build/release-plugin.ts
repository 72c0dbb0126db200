import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  readlinkSync,
} from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Builds kept beside the current one, so a server started on an older build still finds its files. */
const KEEP_BUILDS = 3;
/** Text worth compressing; fonts and images are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt']);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

/**
 * Each build goes to a directory of its own (`dist/web-builds/<source hash>-<time>`), and `dist/web` is switched to it
 * atomically once it is complete. A running server keeps serving the build it started with (its HTML and its
 * hashed assets together), so building again beside it cannot leave its pages pointing at deleted files; the next
 * start serves the new build. Text files get brotli and gzip siblings, sent as they are with `Content-Encoding`.
 */
export function releaseBuild(opts: { link: string; buildsDir: string; outDir: string; sourceHash: string }): Plugin {
  return {
    name: 'fengqiao:release-build',
    apply: 'build',
    closeBundle: {
      // After vite-plugin-pwa has written the service worker into the same directory.
      order: 'post',
      sequential: true,
      handler() {
        for (const file of walk(opts.outDir)) {
          if (!COMPRESSIBLE.has(extname(file))) continue;
          const body = readFileSync(file);
          if (body.length < 1024) continue;
          writeFileSync(
            `${file}.br`,
            brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
          );
          writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        }
        writeFileSync(
          join(opts.outDir, 'build-info.json'),
          JSON.stringify({ sourceHash: opts.sourceHash, builtAt: new Date().toISOString() }),
        );
        switchLink(opts.link, opts.outDir);
        pruneBuilds(opts.buildsDir, opts.outDir);
      },
    },
  };
}

function switchLink(link: string, target: string) {
  mkdirSync(dirname(link), { recursive: true });
  const next = join(dirname(link), `.${basename(link)}-next`);
  rmSync(next, { force: true });
  symlinkSync(relative(dirname(link), target), next);
  // A real directory there is the layout before versioned builds: nothing can be serving it atomically, replace it.
  const current = lstatSync(link, { throwIfNoEntry: false });
  if (current && !current.isSymbolicLink()) rmSync(link, { recursive: true, force: true });
  renameSync(next, link);
}

function pruneBuilds(buildsDir: string, current: string) {
  const builds = readdirSync(buildsDir)
    .map((name) => join(buildsDir, name))
    .filter((p) => p !== current && existsSync(join(p, 'build-info.json')))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old, { recursive: true, force: true });
  // A build that failed half-way (no build-info.json) is not served by anyone.
  for (const name of readdirSync(buildsDir)) {
    const p = join(buildsDir, name);
    if (p !== current && !existsSync(join(p, 'build-info.json')) && Date.now() - statSync(p).mtimeMs > 60 * 60_000)
      rmSync(p, { recursive: true, force: true });
  }
}

/** The build a `dist/web` link points at, if any (for `npm start`'s "anything to rebuild?"). */
export function currentBuildHash(link: string): string | undefined {
  try {
    if (!lstatSync(link).isSymbolicLink()) return undefined;
    const info = JSON.parse(readFileSync(join(dirname(link), readlinkSync(link), 'build-info.json'), 'utf8')) as { sourceHash?: string };
    return info.sourceHash;
  } catch {
    return undefined;
  }
}
