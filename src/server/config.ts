import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Which proxies may tell the client's address in X-Forwarded-For: `false` (none, the default: the socket's peer is
 * the client), a hop count (`1`: the one proxy in front), or addresses and CIDR ranges (`10.0.0.0/8,127.0.0.1`).
 * Trusting any sender would let a client choose its own address and walk around every per-address limit.
 */
export function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = value.trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    const isRange = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!family || !isRange) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is neither an address nor a CIDR range (use a hop count, or e.g. 10.0.0.0/8,127.0.0.1)`,
      });
      return z.NEVER;
    }
  }
  return entries;
}

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  /** Connections each process keeps to PostgreSQL. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  /** A streaming replica for the command centre's figures and exports (docs/SCALING.md); unset: the primary serves all. */
  DATABASE_READ_URL: z.string().url().optional(),
  /** Cockpits asked for within this many seconds share one reading (0: none shared); below the big screen's 30 s. */
  DASHBOARD_SHARE_SECONDS: z.coerce.number().int().min(0).max(30).default(5),
  DISTRICT_CODE: z
    .string()
    .regex(/^\d{6}$/, '6-digit division code')
    .default('410871'),
  /** 32 bytes, base64 or hex. Without it, a key file with mode 0600 is created under DATA_DIR. */
  ENCRYPTION_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10).describe('sign-in attempts per IP per minute'),
  /** Failed sign-ins of one account (within an hour) before each further one waits, twice as long each time. */
  LOGIN_ACCOUNT_LIMIT: z.coerce.number().int().min(1).default(5),
  TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  /** Rate-limit counters in this Redis instead of PostgreSQL (e.g. redis://127.0.0.1:6379). */
  REDIS_URL: z.string().url().optional(),
  /** Portal requests (codes, reports, photos, ratings) per IP per minute; per-phone limits come on top. */
  PORTAL_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** `false` skips loading demo units and staff at start (production always skips them). */
  DEMO_DATA: z.enum(['true', 'false']).default('true'),
  /**
   * Seconds after the start before the checks for cases lacking their search or statistics rows (after a bulk load or
   * a restore) read every case, and before the first run of the tasks that read a lot (the deadline sweep, the GIN
   * merges, the camera watch): the first views after a restart get the machine first (docs/SCALING.md, warm start).
   */
  STARTUP_CHECKS_DELAY_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Seconds to let in-flight requests finish on SIGTERM before forcing the exit. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).default(15),
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** How often the deadline sweep runs (reminders, automatic escalation). */
  SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(5).default(60),
  /** How often queued messages are sent. */
  OUTBOX_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(5),
  /** An acceptance or handling deadline overdue by this many working days is raised one level up (local rule). */
  AUTO_ESCALATE_AFTER_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  /** Where text messages go: `log` writes them to the log (no gateway on the intranet by default). */
  SMS_DRIVER: z.enum(['log']).default('log'),
  /**
   * The address residents' phones reach the platform at (the portal's internet-facing name, e.g. https://fq.example.gov.cn).
   * Unset: links for residents (the self-assessment link) are opened on the centre's tablet and never sent by text.
   */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /**
   * TURN servers for parties outside the intranet (coturn, docs/ONLINE-MEDIATION.md), comma-separated
   * (`turn:turn.example.gov.cn:3478?transport=udp,turns:turn.example.gov.cn:5349`). Unset: no ICE servers at all,
   * direct connections on the LAN only.
   */
  TURN_URLS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean)
        : [],
    )
    .refine((urls) => urls.every((u) => /^turns?:[^\s]+$/.test(u)), 'each entry must start with turn: or turns:'),
  /** coturn's `static-auth-secret`: the platform gives each participant a time-limited username and password made with it. */
  TURN_SECRET: z.string().min(16).optional(),
  /** The centre as its receipts name it (受理回执); unset: the name of the district's top unit. */
  CENTRE_NAME: z.string().trim().min(1).max(100).optional(),
  /** The centre's street address on receipts, where residents come back to. */
  CENTRE_ADDRESS: z.string().trim().min(1).max(200).optional(),
  /** The centre's phone number on receipts, for residents to ask about their matter. */
  CENTRE_PHONE: z.string().trim().min(3).max(40).optional(),
  /** The MQTT broker the video-analytics devices publish to (e.g. mqtt://127.0.0.1:1883); unset: no MQTT. */
  MQTT_URL: z.string().url().optional(),
  /** Devices publish to `<prefix>/<camera code>/alert` and `<prefix>/<camera code>/heartbeat`. */
  MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[^#+]+$/, 'no wildcards')
    .default('fengqiao/cameras'),
  /** Repeats of a camera's alert of one type within this window add to the same event instead of making a new one. */
  CAMERA_FOLD_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
  /** A camera with no heartbeat (nor alert) for this long is marked offline. */
  CAMERA_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(10).default(180),
  /**
   * Routing suggestions (docs/LEARNING.md): a category is learnt once this many dispatched or concluded cases have it,
   * and the model answers only when at least two categories have; below that the panel says so instead of guessing.
   */
  ROUTING_MIN_PER_CATEGORY: z.coerce.number().int().min(2).default(200),
  /** A lead unit is suggested once this many cases were dispatched to it. */
  ROUTING_MIN_PER_UNIT: z.coerce.number().int().min(2).default(50),
  /** The scheduled retraining: a district's model is retrained once its latest is this old (0: never on a schedule). */
  ROUTING_RETRAIN_HOURS: z.coerce.number().min(0).default(24),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };

/** Reads and checks the environment once; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as in most shells' habits.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置错误 / invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.DATA_DIR) };
}
