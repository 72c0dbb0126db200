import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layer picture of docs/ARCHITECTURE.md, checked: modules import one another one way only, features reach a case
 * through the case-access layer (never `modules/cases/`), routes leave queries to their module, and the web asks the
 * server's policy instead of comparing role names.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const modules = join(root, 'src/server/modules');

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path, keep) : keep(path) ? [path] : [];
  });
}
/** Code that runs in the product: tests and the test/demo builders may reach anywhere. */
const productCode = (f: string) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.factory.ts');

/** module → the modules its product code imports. */
function moduleImports(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of filesUnder(modules, productCode)) {
    const from = relative(modules, file).split('/')[0]!;
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(modules, normalize(join(dirname(file), spec!)));
      if (target.startsWith('..')) continue;
      const to = target.split('/')[0]!;
      if (to !== from) edges.set(from, new Set([...(edges.get(from) ?? []), to]));
    }
  }
  return edges;
}

describe('architecture', () => {
  it('no two modules import each other (arrows run one way)', () => {
    const edges = moduleImports();
    const loops = [...edges].flatMap(([a, tos]) => [...tos].filter((b) => edges.get(b)?.has(a) && a < b).map((b) => `${a} <-> ${b}`));
    expect(loops).toEqual([]);
  });

  it('features reach cases through the case-access layer, never through modules/cases/', () => {
    const edges = moduleImports();
    expect([...edges].filter(([, tos]) => tos.has('cases')).map(([from]) => from)).toEqual([]);
  });

  it('routes run no queries of their own: they call their module’s use cases and repositories', () => {
    // health.routes.ts asks the database `select 1`: that answer is the whole route.
    const routes = filesUnder(modules, (f) => f.endsWith('.routes.ts') && !f.endsWith('/health.routes.ts'));
    const offenders = routes.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return (
        /from '(drizzle-orm|(\.\.\/)+db\/schema\.js)'/.test(text) ||
        /\b(db|tx)\s*\.\s*(select|insert|update|delete|execute|transaction)\b/.test(text)
      );
    });
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('routes declare no schemas of their own: every request and answer schema lives in src/shared/schemas', () => {
    // One home per schema, shared by the server's validation, the OpenAPI document and the web's forms and types.
    const routes = filesUnder(modules, (f) => f.endsWith('.routes.ts'));
    const offenders = routes.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          // z.object(…), or a shared schema reshaped in place (…Schema.pick(…), .extend(…), .optional(…)).
          /\bz\.[a-z]+\(|Schema\.(pick|omit|extend|partial|required|optional|nullable|merge|array|and|or|describe|default)\(/.test(line)
            ? [`${relative(root, file)}:${i + 1}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('the web reads dates and instants only through app/centre-date.ts, on the centre’s clock', () => {
    // dayjs(instant) reads an API's instant in the PC's zone, and dayjs() is the PC's "now": a PC set to UTC would show
    // a case registered at 07:30 in Shanghai as the evening before. centre-date.ts is dayjs's one door: atCentre for
    // instants, fromCentre back, centreNow / centreToday for now, centreDay for a date (the same day in every zone).
    const web = filesUnder(join(root, 'src/web'), (f) => productCode(f) && !f.endsWith('/app/centre-date.ts'));
    const offenders = web.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\bdayjs\(|\.toISOString\(\)/.test(line) && !/new Date\(\)\.toISOString\(\)/.test(line)
            ? [`${relative(root, file)}:${i + 1}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('the web compares no role names: it shows what the server’s policies answer (allowedActions, abilities, permissions)', () => {
    const web = filesUnder(join(root, 'src/web'), productCode);
    const offenders = web.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /\brole\s*[!=]==|includes\(\s*me\??\.role|hasPermission\(/.test(line) && !/label\('role'/.test(line)
            ? [`${relative(root, file)}:${i + 1}`]
            : [],
        ),
    );
    expect(offenders).toEqual([]);
  });
});
