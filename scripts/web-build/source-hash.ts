import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the built UI is made of: a change to any of these makes the next `npm start` build it again. */
const INPUTS = ['src/web', 'src/shared', 'scripts/web-build', 'vite.config.ts', 'package-lock.json'];

function listFiles(root: string, path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => (/\.test\.tsx?$/.test(name) ? [] : listFiles(root, join(path, name))));
}

/** A hash of the UI's sources (paths and contents), so "has anything changed since the last build?" is one comparison. */
export function webSourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => listFiles(root, p))) {
    hash.update(relative(root, join(root, file)));
    hash.update('\0');
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
