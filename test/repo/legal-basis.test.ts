import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `docs/LEGAL-BASIS.md` says, for every rule the code enforces, where it is enforced and where it is tested. This
 * keeps it true as the code moves: each file it names exists, each function (or operationId) it names is in that
 * file, and each test it names is a test of that file. And comments cite the law or this repository's own files,
 * never a document a reader of the repository does not have.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = readFileSync(join(root, 'docs/LEGAL-BASIS.md'), 'utf8');

/** `src/…/file.ts` › `name`, `name` — or › “test name”, “test name”. */
const REFERENCE = /`((?:src|test)\/[^`]+\.tsx?)` › ((?:(?:`[^`]+`|“[^”]+”)(?:, )?)+)/g;

interface Reference {
  file: string;
  symbols: string[];
  tests: string[];
}
const references: Reference[] = [...doc.matchAll(REFERENCE)].map((m) => ({
  file: m[1]!,
  symbols: [...m[2]!.matchAll(/`([^`]+)`/g)].map((s) => s[1]!),
  tests: [...m[2]!.matchAll(/“([^”]+)”/g)].map((s) => s[1]!),
}));

/** Every source and test file of the repository, relative to its root. */
function sourceFiles(dir = join(root, 'src'), out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(relative(root, path));
  }
  return out;
}

describe('docs/LEGAL-BASIS.md', () => {
  it('names files, functions and tests', () => {
    expect(references.length).toBeGreaterThan(50);
    expect(references.filter((r) => r.tests.length > 0).length).toBeGreaterThan(30);
  });

  it('names only files that exist', () => {
    expect(references.filter((r) => !existsSync(join(root, r.file))).map((r) => r.file)).toEqual([]);
  });

  it('names only functions and constants that are in the file it names', () => {
    const missing = references
      .filter((r) => existsSync(join(root, r.file)))
      .flatMap((r) => {
        const text = readFileSync(join(root, r.file), 'utf8');
        return r.symbols
          .filter((s) => !new RegExp(`\\b${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text))
          .map((s) => `${r.file} › ${s}`);
      });
    expect(missing).toEqual([]);
  });

  it('names only tests that are in the test file it names', () => {
    const missing = references
      .filter((r) => existsSync(join(root, r.file)))
      .flatMap((r) => {
        const text = readFileSync(join(root, r.file), 'utf8');
        return r.tests
          .filter((t) => !text.includes(`'${t}'`) && !text.includes(`\`${t}\``) && !text.includes(`"${t}"`))
          .map((t) => `${r.file} › ${t}`);
      });
    expect(missing).toEqual([]);
  });

  it('has every section that the code cites', () => {
    const sections = new Set([...doc.matchAll(/^## (§\d+)/gm)].map((m) => m[1]));
    const cited = sourceFiles()
      .concat(sourceFiles(join(root, 'test')))
      .flatMap((file) =>
        [...readFileSync(join(root, file), 'utf8').matchAll(/LEGAL-BASIS\.md,? (§\d+)(?:[–-]§?(\d+))?/g)].flatMap((m) => {
          const first = Number(m[1]!.slice(1));
          const last = m[2] ? Number(m[2]) : first;
          return Array.from({ length: last - first + 1 }, (_, i) => ({ file, section: `§${first + i}` }));
        }),
      );
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((c) => !sections.has(c.section)).map((c) => `${c.file}: ${c.section}`)).toEqual([]);
  });
});

describe('comments', () => {
  it('cite the law or a file of this repository, never a document outside it', () => {
    // The names are built so that this file does not cite them itself.
    const outside = new RegExp(`\\b(${['RULES', 'PRODUCT'].map((n) => `${n}\\.md`).join('|')})`);
    const citing = sourceFiles()
      .concat(sourceFiles(join(root, 'test')))
      .flatMap((file) =>
        readFileSync(join(root, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}`] : [])),
      );
    expect(citing).toEqual([]);
  });
});
