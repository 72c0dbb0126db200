import { hash } from '@node-rs/argon2';
import { and, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { loadCaseHistory } from '../modules/demo/case-history.js';
import { rebuildCaseStats } from '../modules/stats/case-stats.js';
import { demoBoundaries, pointInside, seeded } from './demo-geometry.js';
import type { Logger } from 'pino';
import type { Role } from '../../shared/enums.js';
import type { Db } from './client.js';
import { cameraPoints, cases, counsellingRooms, units, users } from './schema.js';
import division from './seed-data/division-410871.json' with { type: 'json' };

export const DEMO_PASSWORD = 'fengqiao-demo';
export const DEMO_DISTRICT = division.district.code;

/** District-level departments (区直部门) every centre dispatches to. */
const DISTRICT_DEPARTMENTS = [
  ['XFJ', '区信访局'],
  ['RSJ-LDJC', '区人社局劳动保障监察大队'],
  ['ZJJ', '区住房和城乡建设局'],
  ['ZRZYJ', '区自然资源局'],
  ['FT', '人民法庭'],
  ['XLFW', '区社会心理服务中心'],
  ['FL', '区妇联'],
] as const;

/** Street-level departments (街道/乡镇 站所). */
const STREET_DEPARTMENTS = [
  ['SFS', '司法所'],
  ['PCS', '派出所'],
] as const;

const GRIDS_PER_COMMUNITY = 2;

/** A readable short name: 文苑街道 / 韩愈路社区 (the statistics names end in 居民委员会/村民委员会). */
function shortName(name: string): string {
  return name
    .replace(/社区居民委员会$/, '社区')
    .replace(/居民委员会$/, '社区')
    .replace(/村?村民委员会$/, '村')
    .replace(/居委会$/, '社区');
}

interface UnitSeed {
  code: string;
  name: string;
  kind: 'district' | 'street' | 'community' | 'grid' | 'department';
  children: UnitSeed[];
}

/** The demo org tree: the real streets/towns and communities/villages of 410871 with their official codes. */
export function demoUnitTree(): UnitSeed {
  const d = division.district;
  return {
    code: d.code,
    name: `${d.name}综治中心`,
    kind: 'district',
    children: [
      ...DISTRICT_DEPARTMENTS.map(([suffix, name]) => ({ code: `${d.code}-${suffix}`, name, kind: 'department' as const, children: [] })),
      ...division.streets.map((s) => ({
        code: s.code,
        name: s.name,
        kind: 'street' as const,
        children: [
          ...STREET_DEPARTMENTS.map(([suffix, name]) => ({
            code: `${s.code}-${suffix}`,
            name: `${s.name}${name}`,
            kind: 'department' as const,
            children: [],
          })),
          ...s.villages.map((v) => ({
            code: v.code,
            name: shortName(v.name),
            kind: 'community' as const,
            // Grid codes extend the 12-digit community code (docs/LEGAL-BASIS.md §5).
            children: Array.from({ length: GRIDS_PER_COMMUNITY }, (_, i) => ({
              code: `${v.code}${String(i + 1).padStart(2, '0')}`,
              name: `${shortName(v.name)}第${i + 1}网格`,
              kind: 'grid' as const,
              children: [],
            })),
          })),
        ],
      })),
    ],
  };
}

export const DEMO_ROOMS = ['心理咨询室一', '心理咨询室二（沙盘室）', '团体辅导室'];

/** The demo accounts listed in the README, all with password `fengqiao-demo`. */
export const DEMO_USERS: { username: string; displayName: string; role: Role; unitCode: string; isUnitHead?: boolean }[] = [
  { username: 'admin', displayName: '郑毅', role: 'admin', unitCode: '410871' },
  { username: 'reception', displayName: '李娜', role: 'reception', unitCode: '410871' },
  { username: 'dispatcher', displayName: '王强', role: 'dispatcher', unitCode: '410871' },
  { username: 'leader', displayName: '周建国', role: 'leader', unitCode: '410871' },
  { username: 'mediator', displayName: '赵敏', role: 'mediator', unitCode: '410871061-SFS' },
  { username: 'head', displayName: '黄志刚', role: 'mediator', unitCode: '410871061-SFS', isUnitHead: true },
  { username: 'mediator2', displayName: '孙磊', role: 'mediator', unitCode: '410871060-SFS' },
  { username: 'handler', displayName: '吴涛', role: 'unit_handler', unitCode: '410871-RSJ-LDJC' },
  { username: 'grid', displayName: '陈静', role: 'grid_worker', unitCode: '41087106100101' },
  { username: 'counsellor', displayName: '刘芳', role: 'counsellor', unitCode: '410871-XLFW' },
  { username: 'counsellor2', displayName: '马丽', role: 'counsellor', unitCode: '410871-XLFW' },
  { username: 'supervisor', displayName: '宋心怡', role: 'counsellor', unitCode: '410871-XLFW', isUnitHead: true },
];

/**
 * Demo camera points in 文苑街道 (positions are plausible, not surveyed; stream URLs point at an imagined gateway).
 * Devices of the demo can publish to `fengqiao/cameras/<code>/alert`.
 */
export const DEMO_CAMERAS = [
  {
    code: 'WY-DF-001',
    name: '东方社区北门',
    gridCode: '41087106100101',
    lat: 35.2412,
    lng: 113.2387,
    streamUrl: 'rtsp://video-gateway.local/live/WY-DF-001',
  },
  {
    code: 'WY-DF-002',
    name: '东方社区广场',
    gridCode: '41087106100102',
    lat: 35.2398,
    lng: 113.2421,
    streamUrl: 'rtsp://video-gateway.local/live/WY-DF-002',
  },
  {
    code: 'WY-LG-001',
    name: '理工大社区东门',
    gridCode: '41087106100201',
    lat: 35.2365,
    lng: 113.2469,
    streamUrl: 'rtsp://video-gateway.local/live/WY-LG-001',
  },
  {
    code: 'WY-LG-002',
    name: '理工大社区商业街',
    gridCode: '41087106100202',
    lat: 35.2351,
    lng: 113.2433,
    streamUrl: 'rtsp://video-gateway.local/live/WY-LG-002',
  },
  { code: 'WY-HT-001', name: '和屯村村委会', gridCode: '41087106120101', lat: 35.2289, lng: 113.2512, streamUrl: null },
];

/** Loads the demo org tree and staff once; later starts find them and do nothing. */
export async function seedDemoData(opts: { db: Db; log: Logger }): Promise<{ created: boolean }> {
  const { db, log } = opts;
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(units).where(eq(units.districtCode, DEMO_DISTRICT));
  if (n > 0) return { created: false };
  await db.transaction(async (tx) => {
    const rows: (typeof units.$inferInsert)[] = [];
    const walk = (u: UnitSeed, parent: { id: string; path: string; depth: number } | null) => {
      const id = crypto.randomUUID();
      const path = `${parent?.path ?? '/'}${id}/`;
      rows.push({
        districtCode: DEMO_DISTRICT,
        id,
        parentId: parent?.id ?? null,
        code: u.code,
        name: u.name,
        kind: u.kind,
        path,
        depth: (parent?.depth ?? -1) + 1,
      });
      for (const c of u.children) walk(c, { id, path, depth: (parent?.depth ?? -1) + 1 });
    };
    walk(demoUnitTree(), null);
    // The demo's invented boundaries (the map says so), and each camera at a point inside its grid.
    const geometry = demoBoundaries(demoUnitTree());
    for (const r of rows) {
      const g = geometry.get(r.code);
      if (g) Object.assign(r, { boundary: g, boundarySource: 'demo' as const });
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insert(units).values(rows.slice(i, i + 500));
    const byCode = new Map(rows.map((r) => [r.code, r.id!]));
    const passwordHash = await hash(DEMO_PASSWORD);
    await tx.insert(users).values(
      DEMO_USERS.map((u) => ({
        districtCode: DEMO_DISTRICT,
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        unitId: byCode.get(u.unitCode)!,
        passwordHash,
        isDemo: true,
        isUnitHead: !!u.isUnitHead,
      })),
    );
    // The psychological service room's rooms (心理服务区).
    await tx.insert(counsellingRooms).values(DEMO_ROOMS.map((name) => ({ districtCode: DEMO_DISTRICT, name })));
    await tx.insert(cameraPoints).values(
      DEMO_CAMERAS.map((c, i) => {
        const grid = geometry.get(c.gridCode);
        const [lng, lat] = grid ? pointInside(grid, seeded(i + 1)) : [c.lng, c.lat];
        return {
          districtCode: DEMO_DISTRICT,
          code: c.code,
          name: c.name,
          lat: lat!,
          lng: lng!,
          unitId: byCode.get(c.gridCode)!,
          streamUrl: c.streamUrl,
        };
      }),
    );
    log.info(
      { units: rows.length, users: DEMO_USERS.length, cameras: DEMO_CAMERAS.length },
      'demo org tree, staff and camera points loaded',
    );
  });
  return { created: true };
}

/** 5,000 cases over the past year (no parties), with timelines, counted into the statistics: enough for a ready routing model (docs/LEARNING.md). */
export const DEMO_HISTORY_CASES = 5000;
export async function seedDemoHistory(db: Db): Promise<number> {
  const [reception] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.districtCode, DEMO_DISTRICT), eq(users.username, 'reception')));
  if (!reception) return 0;
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  await loadCaseHistory({
    db,
    districtCode: DEMO_DISTRICT,
    count: DEMO_HISTORY_CASES,
    from,
    to,
    registeredBy: reception.id,
    withTimeline: true,
  });
  // Grid-reported and camera cases carry a position: a point inside their grid.
  const { rows } = await db.execute<{ id: string; code: string }>(
    sql`select c.id, u.code from cases c join units u on u.district_code = c.district_code and u.id = c.unit_id where c.district_code = ${DEMO_DISTRICT} and c.channel in ('grid', 'camera') and c.place_lat is null`,
  );
  const geometry = demoBoundaries(demoUnitTree());
  const random = seeded(2026);
  const points: SQL[] = [];
  for (const r of rows) {
    const g = geometry.get(r.code);
    if (!g) continue;
    const [lng, lat] = pointInside(g, random);
    points.push(sql`(${r.id}::uuid, ${lat}::float8, ${lng}::float8)`);
  }
  // One statement per thousand cases rather than one per case: the history is thousands of cases.
  for (let i = 0; i < points.length; i += 1000)
    await db.execute(sql`
      update cases c set place_lat = p.lat, place_lng = p.lng
      from (values ${sql.join(points.slice(i, i + 1000), sql`, `)}) as p(id, lat, lng)
      where c.district_code = ${DEMO_DISTRICT} and c.id = p.id`);
  await rebuildCaseStats(db, DEMO_DISTRICT);
  return DEMO_HISTORY_CASES;
}

/** A demo database from before the psychological service zone gets its rooms and the demo accounts added since. */
export async function seedDemoAdditions(db: Db): Promise<number> {
  if (!(await hasDemoAccounts(db))) return 0;
  const existing = new Set(
    (await db.select({ username: users.username }).from(users).where(eq(users.districtCode, DEMO_DISTRICT))).map((u) => u.username),
  );
  const missing = DEMO_USERS.filter((u) => !existing.has(u.username));
  const unitRows = await db.select({ id: units.id, code: units.code }).from(units).where(eq(units.districtCode, DEMO_DISTRICT));
  const byCode = new Map(unitRows.map((u) => [u.code, u.id]));
  if (missing.length) {
    const passwordHash = await hash(DEMO_PASSWORD);
    await db
      .insert(users)
      .values(
        missing.map((u) => ({
          districtCode: DEMO_DISTRICT,
          username: u.username,
          displayName: u.displayName,
          role: u.role,
          unitId: byCode.get(u.unitCode)!,
          passwordHash,
          isDemo: true,
          isUnitHead: !!u.isUnitHead,
        })),
      )
      .onConflictDoNothing();
  }
  const rooms = await db
    .insert(counsellingRooms)
    .values(DEMO_ROOMS.map((name) => ({ districtCode: DEMO_DISTRICT, name })))
    .onConflictDoNothing()
    .returning({ id: counsellingRooms.id });
  return missing.length + rooms.length;
}

/** A demo database from before the map gets the demo's invented boundaries (never on a district without demo accounts). */
export async function seedDemoBoundaries(db: Db): Promise<number> {
  if (!(await hasDemoAccounts(db))) return 0;
  const geometry = demoBoundaries(demoUnitTree());
  let n = 0;
  await db.transaction(async (tx) => {
    for (const [code, boundary] of geometry) {
      const updated = await tx
        .update(units)
        .set({ boundary, boundarySource: 'demo' })
        .where(and(eq(units.districtCode, DEMO_DISTRICT), eq(units.code, code), isNull(units.boundary)))
        .returning({ id: units.id });
      n += updated.length;
    }
  });
  return n;
}

/** True when any demo account exists: production refuses to start then. */
export async function hasDemoAccounts(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.isDemo, true));
  return (row?.n ?? 0) > 0;
}

export async function countCases(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(cases);
  return row?.n ?? 0;
}
