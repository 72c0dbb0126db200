import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { WEB_ENTRIES } from '../../shared/web-entries.js';
import { staticWebPlugin } from './static-web.js';

const dir = mkdtempSync(join(tmpdir(), 'fengqiao-web-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A build as `vite build` leaves it: every entry's HTML naming its own hashed script, with a brotli sibling. */
function writeBuild(name: string): string {
  const root = join(dir, 'web-builds', name);
  mkdirSync(join(root, 'assets'), { recursive: true });
  for (const entry of ['index', ...WEB_ENTRIES.map((e) => e.name)])
    writeFileSync(join(root, `${entry}.html`), `<html><script src="/assets/${entry}-${name}.js"></script></html>`);
  const js = `console.log(${JSON.stringify(name)});`.repeat(100);
  writeFileSync(join(root, 'assets', `portal-${name}.js`), js);
  writeFileSync(join(root, 'assets', `portal-${name}.js.br`), brotliCompressSync(js));
  return root;
}

function pointLink(link: string, target: string) {
  symlinkSync(target, `${link}.next`);
  renameSync(`${link}.next`, link);
}

describe('the web UI a process serves', () => {
  it('stays the build it started with while a new one is written beside it; a missing asset is a 404, never a page', async () => {
    const link = join(dir, 'web');
    pointLink(link, writeBuild('aaaa'));
    const app = Fastify();
    await app.register(staticWebPlugin, { root: link });
    await app.ready();

    // A new build lands and the link moves on: this process still answers with its own build, pages and assets.
    pointLink(link, writeBuild('bbbb'));
    const page = await app.inject({ url: '/portal' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/assets/portal-aaaa.js');
    expect((await app.inject({ url: '/progress/ABCD1234' })).body).toContain('progress-aaaa');
    expect((await app.inject({ url: '/cases/123' })).body).toContain('index-aaaa');

    const asset = await app.inject({ url: '/assets/portal-aaaa.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-encoding']).toBe('br');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers.vary).toContain('accept-encoding');

    for (const url of ['/assets/portal-bbbb.js', '/assets/nothing.js', '/favicon.ico', '/api/nothing']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).not.toContain('text/html');
    }
    await app.close();

    // The next start serves the new build.
    const next = Fastify();
    await next.register(staticWebPlugin, { root: link });
    expect((await next.inject({ url: '/portal' })).body).toContain('/assets/portal-bbbb.js');
    await next.close();
  });
});
