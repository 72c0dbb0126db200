import type { IncomingMessage } from 'node:http';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';

/**
 * The process logger: JSON lines (pino) that never carry personal data (个人信息保护法 Art.51: de-identification;
 * logs are kept at least six months under 网络安全法 Art.21, so whatever enters them stays). Three layers:
 * - request lines keep the path and the names of query parameters, not their values (a search word may be a name;
 *   only values known to be harmless, like `page`, are kept), and tracking tokens in paths are masked;
 * - errors are serialised by `serializeError`: a failed query's SQL without its parameters (drizzle puts them in the
 *   message), a database error without the `detail` that quotes the row, quoted values and long digit runs masked;
 * - any logged object's fields named like personal data are censored (`redact`), whoever logs them.
 */

// Query parameters whose values say nothing about a person; all others are logged as `name=…`.
const HARMLESS_QUERY_KEYS = new Set([
  'page',
  'pageSize',
  'kind',
  'status',
  'channel',
  'category',
  'step',
  'box',
  'open',
  'grain',
  'from',
  'to',
  'month',
  'year',
  'days',
  'date',
  'unitId',
  'placeUnitId',
  'holderUnitId',
  'handlerId',
  'deadline',
  'failure',
  'figure',
  'mine',
  'withParties',
]);

// Path segments that are bearer credentials of a resident (tracking codes, one-time links).
const TOKEN_IN_PATH = [
  /^(\/api\/public\/progress\/)[^/?]+/,
  /^(\/api\/public\/reports\/)[^/?]+/,
  /^(\/api\/public\/kiosk\/)[^/?]+/,
  /^(\/api\/public\/online\/links\/)[^/?]+/,
  /^(\/online\/(?:sign|deliver|join\/[^/?]+)\/)[^/?]+/,
  /^(\/open311\/v2\/tokens\/)[^/?.]+/,
];

/** A request URL as it may be logged: tokens in the path masked, query values replaced by `…` unless harmless. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (const pattern of TOKEN_IN_PATH) path = path.replace(pattern, '$1***');
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [rawKey = ''] = pair.split('=', 1);
      let key: string;
      try {
        key = decodeURIComponent(rawKey);
      } catch {
        key = '…';
      }
      return HARMLESS_QUERY_KEYS.has(key) ? pair : `${encodeURIComponent(key)}=…`;
    });
  return `${path}?${query.join('&')}`;
}

/** Quoted values and runs of 11+ digits (phones, ID numbers; a date has 8) masked: error messages quote what they got. */
export function scrubText(text: string): string {
  return text
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]{3,}'/g, "'…'")
    .replace(/\d(?:[\s-]?\d){10,}[Xx]?/g, '[…]');
}

// Fields of errors that name what failed without quoting data (pg's `detail` and `where` quote rows: left out).
const SAFE_ERROR_FIELDS = ['code', 'statusCode', 'severity', 'constraint', 'table', 'column', 'schema', 'routine'] as const;

/** An error as it may be logged, with its causes; see the file comment. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubText(String(err)) };
  const e = err as Error & Record<string, unknown>;
  const type = e.name || e.constructor?.name || 'Error';
  // DrizzleQueryError: `Failed query: <sql>\nparams: <values>`; the SQL has placeholders only, the values are data.
  const isFailedQuery = typeof e.query === 'string' && Array.isArray(e.params);
  const message = isFailedQuery ? `Failed query: ${e.query as string}` : scrubText(e.message);
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const out: Record<string, unknown> = { type, message, stack: [`${type}: ${message}`, ...frames].join('\n') };
  for (const field of SAFE_ERROR_FIELDS) if (e[field] !== undefined && typeof e[field] !== 'object') out[field] = e[field];
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

const serializers = {
  req: (req: IncomingMessage & { ip?: string; host?: string }) => ({
    method: req.method,
    url: loggableUrl(req.url ?? ''),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
  err: serializeError,
};

// Keys that hold personal data or secrets, at the top level of a logged object or one level down.
const CENSORED_KEYS = [
  'idNumber',
  'phone',
  'address',
  'name',
  'narrative',
  'password',
  'apiKey',
  'api_key',
  'ticket',
  'token',
  'trackingToken',
  'notes',
  'cookie',
  'authorization',
];

/**
 * The platform's logger: main.ts for the process (stdout), the tests with a stream they read.
 * Stdout is written synchronously: pino's default asynchronous writer flushes what it buffered in an `exit` handler,
 * and when the pipe's reader is gone (the parent that started us exited right after SIGTERM) that flush retries its
 * EPIPE forever — the process stopped its database and port but never exited. A synchronous write fails at once,
 * and pino then stops logging to the broken pipe.
 */
export function createLogger(opts: { level: string; stream?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { app: 'fengqiao' },
      serializers,
      redact: { paths: CENSORED_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' },
    },
    opts.stream ?? pino.destination({ dest: 1, sync: true }),
  );
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * A request's logger, made when a line is first written at an enabled level (fastify's `childLoggerFactory`, app.ts):
 * at the level a server runs at, most requests write nothing, and making a pino child for each — its bindings
 * serialised and redacted — is work for nothing. Its own children (auth.ts adds the user) are as lazy, with both
 * bindings. The lines it writes are a pino child's: the same bindings, serializers and censoring.
 */
export function lazyChildLogger(parent: Logger, bindings: Bindings, opts: ChildLoggerOptions = {}): Logger {
  // Fastify's silent logger (an app built without one, as in most tests) is not pino, and a route's own level
  // (`logLevel`) decides what its child writes: a real child for both.
  if (typeof parent.isLevelEnabled !== 'function' || opts.level !== undefined) return parent.child(bindings, opts);
  let child: Logger | undefined;
  const real = () => (child ??= parent.child(bindings, opts));
  const lazy = Object.create(parent) as Logger;
  const forward = (level: (typeof LEVELS)[number]) =>
    ((...args: unknown[]) => (real()[level] as (...a: unknown[]) => void)(...args)) as never;
  const noop = (() => {}) as never;
  for (const level of LEVELS) lazy[level] = parent.isLevelEnabled(level) ? forward(level) : noop;
  lazy.child = ((b: Bindings, o?: ChildLoggerOptions) =>
    o && Object.keys(o).length > 0
      ? real().child(b, o)
      : lazyChildLogger(parent, { ...bindings, ...b }, opts)) as unknown as Logger['child'];
  lazy.bindings = () => real().bindings();
  lazy.setBindings = (b) => real().setBindings(b);
  // A level set on it is the real child's from then on.
  Object.defineProperty(lazy, 'level', {
    get: () => (child ?? parent).level,
    set: (value: string) => {
      real().level = value;
      for (const level of LEVELS) lazy[level] = forward(level);
      lazy.isLevelEnabled = (level) => real().isLevelEnabled(level);
    },
  });
  return lazy;
}
