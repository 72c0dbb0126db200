import { randomInt, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { WorkCalendar } from '../../../shared/calendar.js';
import { createCaseBodySchema, type CaseActionBody, type CreateCaseInput } from '../../../shared/schemas/cases.js';
import type { Db } from '../../db/client.js';
import { units, users } from '../../db/schema.js';
import type { PersonalDataCrypto } from '../../lib/personal-data-crypto.js';
import type { Actor } from '../../plugins/auth.js';
import { actOnCase } from '../case-access/act-on-case.js';
import { registerCase } from '../case-access/register-case.js';

/** The worked example of the README and the masking tests: one fixed person. */
export const SAMPLE_APPLICANT = {
  role: 'applicant',
  type: 'person',
  name: '张三',
  idNumber: '11010519491231002X',
  phone: '13812345678',
  address: '文苑街道东方社区3号楼2单元',
} as const;

/** A valid resident ID (GB 11643) of someone born in 1979–1998 nobody else has drawn (almost surely). */
export function randomIdNumber(): string {
  const body = `410871${1979 + randomInt(0, 20)}${String(randomInt(1, 13)).padStart(2, '0')}${String(randomInt(1, 29)).padStart(2, '0')}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[[...body].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0) % 11];
}

/**
 * A valid `createCase` body (a wage dispute in 文苑街道), with any field overridden. Used by tests and demo data.
 * Each call is a different resident against a different company, so unrelated builds never look like one person's
 * repeat visits or one mass dispute to the risk assessment; pass `parties` (e.g. `SAMPLE_APPLICANT`) to choose.
 */
export function buildCaseBody(overrides: Partial<CreateCaseInput> = {}): CreateCaseInput {
  const n = randomInt(0, 100_000_000);
  return {
    channel: 'walk_in',
    kind: 'dispute',
    category: 'labour',
    summary: '装修公司拖欠工资纠纷',
    narrative: '申请人在某装修公司务工三个月，公司以工程款未结清为由拖欠工资共计一万二千元，多次讨要未果。',
    peopleInvolved: 1,
    riskLevel: 'low',
    parties: [
      { ...SAMPLE_APPLICANT, idNumber: randomIdNumber(), phone: `139${String(n).padStart(8, '0')}` },
      { role: 'respondent', type: 'organization', name: `焦作某某装修有限公司（${n}）` },
    ],
    place: { address: `文苑街道东方社区某工地（${randomUUID()}）`, unitCode: '410871061001' },
    ...overrides,
  };
}

/** The actor record of a staff member by user name, as the auth hook would build it. */
export async function loadActor(db: Db, username: string): Promise<Actor> {
  const [row] = await db
    .select({ user: users, unit: units })
    .from(users)
    .innerJoin(units, and(eq(units.districtCode, users.districtCode), eq(units.id, users.unitId)))
    .where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  const { user, unit } = row;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as Actor['role'],
    unitId: user.unitId,
    unitPath: unit.path,
    districtCode: user.districtCode,
    isUnitHead: user.isUnitHead,
  };
}

async function unitId(db: Db, code: string): Promise<string> {
  const [row] = await db.select({ id: units.id }).from(units).where(eq(units.code, code));
  if (!row) throw new Error(`no unit ${code}`);
  return row.id;
}

/** A handful of cases in different stages, so the demo shows every screen with content. */
export async function seedDemoCases(db: Db, crypto: PersonalDataCrypto, calendar: WorkCalendar): Promise<number> {
  const [reception, dispatcher, mediator, handler] = await Promise.all(
    ['reception', 'dispatcher', 'mediator', 'handler'].map((u) => loadActor(db, u)),
  );
  const sfs = await unitId(db, '410871061-SFS');
  const labour = await unitId(db, '410871-RSJ-LDJC');
  const register = async (key: string, body: CreateCaseInput) =>
    (await registerCase({ db, crypto, calendar, actor: reception!, body: createCaseBodySchema.parse(body), idempotencyKey: `demo-${key}` }))
      .row;
  const act = async (actor: Actor, id: string, body: Omit<CaseActionBody, 'expectedVersion'>) => {
    const [row] = await db.query.cases.findMany({ where: (c, { eq: is }) => is(c.id, id), limit: 1 });
    return actOnCase({ db, calendar, actor, caseId: id, body: { ...body, expectedVersion: row!.version } });
  };

  const waiting = await register(
    '1',
    buildCaseBody({
      summary: '邻居装修噪音扰民',
      category: 'neighbourhood',
      parties: [
        { role: 'applicant', type: 'person', name: '王秀英', phone: '13937112345' },
        { role: 'respondent', type: 'person', name: '刘建军' },
      ],
    }),
  );
  await act(reception!, waiting.id, { action: 'accept' });

  await register(
    '2',
    buildCaseBody({
      channel: 'phone',
      summary: '物业费收取争议',
      category: 'property_management',
      place: { address: '文昌街道金炉村', unitCode: '410871062200' },
      parties: [
        { role: 'applicant', type: 'person', name: '𠈌小龙', phone: '15803912222' },
        { role: 'respondent', type: 'organization', name: '某某物业服务有限公司' },
      ],
    }),
  );

  const wages = await register('3', buildCaseBody());
  await act(reception!, wages.id, { action: 'accept' });
  await act(dispatcher!, wages.id, { action: 'dispatch', leadUnitId: labour, coUnitIds: [sfs] });
  await act(handler!, wages.id, { action: 'start' });
  await act(handler!, wages.id, { action: 'note', note: '已约谈装修公司负责人，公司承认欠薪事实。' });

  const family = await register(
    '4',
    buildCaseBody({
      summary: '赡养老人费用分担纠纷',
      category: 'marriage_family',
      parties: [
        { role: 'applicant', type: 'person', name: '李桂兰', idNumber: '410811195203152023' },
        { role: 'respondent', type: 'person', name: '李强' },
      ],
    }),
  );
  await act(reception!, family.id, { action: 'accept' });
  await act(dispatcher!, family.id, { action: 'dispatch', leadUnitId: sfs, handlerId: mediator!.id });
  await act(mediator!, family.id, { action: 'start' });
  await act(mediator!, family.id, {
    action: 'conclude',
    outcome: 'agreement',
    note: '经调解，兄妹三人按月分担赡养费，签订人民调解协议书。',
  });
  return 4;
}
