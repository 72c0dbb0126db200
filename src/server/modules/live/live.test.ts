import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestApp, type TestContext } from '../../../../test/support/app.js';
import { afterCommit } from '../../db/client.js';
import { buildCaseBody } from '../cases/cases.factory.js';

let ctx: TestContext;
let base = '';
beforeAll(async () => {
  ctx = await startTestApp();
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(() => ctx.close());

/** Reads server-sent events from a real HTTP stream: `next(until)` resolves with the first event that satisfies it. */
function eventReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async function next(until: (e: { event: string; data: string }) => boolean) {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e = { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: /^data: (.*)$/m.exec(block)?.[1] ?? '' };
        if (until(e)) return e;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
  };
}

describe('live events', () => {
  it('streams a newly registered case to the dispatcher as it commits', async () => {
    const dispatcher = await signIn(ctx.app, 'dispatcher');
    const controller = new AbortController();
    const res = await fetch(`${base}/api/live/events`, { headers: { cookie: dispatcher }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const next = eventReader(res);
    await next((e) => e.event === 'ready');
    const summary = `实时看板测试 ${randomUUID()}`;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: await signIn(ctx.app, 'reception'), 'idempotency-key': randomUUID() },
      payload: buildCaseBody({ summary }),
    });
    expect(created.statusCode).toBe(201);
    // Other files register cases at the same time: wait for ours.
    const event = await next((e) => e.event === 'case.registered' && JSON.parse(e.data).summary === summary);
    const found = JSON.parse(event.data);
    expect(found).toMatchObject({ type: 'case.registered', code: created.json().code, status: 'registered', channel: 'walk_in' });
    // No personal data travels on the live stream.
    expect(JSON.stringify(found)).not.toMatch(/张三|13812345678|11010519491231002X/);
    controller.abort();
  });

  it('announces after the commit, and never what was rolled back (a savepoint rolled back drops its own)', async () => {
    const { db } = ctx.database;
    const heard: string[] = [];
    await db.transaction(async (tx) => {
      afterCommit(tx, () => heard.push('outer'));
      await tx.transaction(async (inner) => afterCommit(inner, () => heard.push('kept savepoint')));
      await tx
        .transaction(async (inner) => {
          afterCommit(inner, () => heard.push('rolled-back savepoint'));
          throw new Error('savepoint fails');
        })
        .catch(() => undefined);
      // Nothing before the commit.
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual(['outer', 'kept savepoint']);
    await db
      .transaction(async (tx) => {
        afterCommit(tx, () => heard.push('rolled back'));
        throw new Error('the change fails');
      })
      .catch(() => undefined);
    expect(heard).toEqual(['outer', 'kept savepoint']);
    // Outside a transaction the write has committed: at once.
    afterCommit(db, () => heard.push('autocommit'));
    expect(heard.at(-1)).toBe('autocommit');
  });

  it('is refused to roles without the live board', async () => {
    const res = await fetch(`${base}/api/live/events`, { headers: { cookie: await signIn(ctx.app, 'mediator') } });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('FORBIDDEN');
  });
});
