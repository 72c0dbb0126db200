import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { z } from 'zod';
import { isTextSchema } from '../../shared/schemas/text.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Media types a request body may have (default: `application/json`, also for routes that take no body, so a
     * cross-site `text/plain` form cannot trigger them). A request without a body is not checked.
     */
    accepts?: readonly string[];
    /** `false` on routes authenticated by a key or signature, never by the session cookie (see plugins/csrf.ts). */
    csrf?: false;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]!.trim().toLowerCase() || undefined;
}

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

// A string with a format (uuid, date, date-time, a pattern) refuses control characters by its format.
function isFormatted(schema: z.ZodString): boolean {
  const def = schema._zod.def as { format?: string; checks?: { _zod: { def: { check: string; format?: string } } }[] };
  if (def.format && def.format !== 'url') return true;
  return (def.checks ?? []).some((c) => c._zod.def.check === 'string_format' && c._zod.def.format !== 'url');
}

/** Paths (`body.parties[].name`) of the strings in `schema` that bypass the text type. */
export function untypedStrings(schema: unknown, path: string, seen = new Set<unknown>()): string[] {
  if (!schema || typeof schema !== 'object' || !('_zod' in schema) || seen.has(schema)) return [];
  seen.add(schema);
  const s = schema as z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };
  const def = s._zod.def;
  const walk = (child: unknown, suffix = '') => untypedStrings(child, path + suffix, seen);
  switch (def.type) {
    case 'string':
      return isTextSchema(s as unknown as z.ZodString) || isFormatted(s as unknown as z.ZodString) ? [] : [path];
    case 'object':
      return Object.entries((def.shape as Record<string, unknown>) ?? {}).flatMap(([key, child]) => walk(child, `.${key}`));
    case 'array':
      return walk(def.element, '[]');
    case 'tuple':
      return [...(def.items as unknown[]).flatMap((item, i) => walk(item, `[${i}]`)), ...walk(def.rest, '[]')];
    case 'record':
      return [...walk(def.keyType, '{key}'), ...walk(def.valueType, '{}')];
    case 'union':
      return (def.options as unknown[]).flatMap((option) => walk(option));
    case 'intersection':
      return [...walk(def.left), ...walk(def.right)];
    case 'pipe':
      return [...walk(def.in), ...walk(def.out)];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return walk(def.innerType);
    case 'lazy':
      return walk((def.getter as () => unknown)());
    default:
      return [];
  }
}

/**
 * The request's edge, before any handler:
 * - at start, every route's body, query, path and header strings must go through the text type
 *   (`shared/schemas/text.ts`): a route that bypasses it stops the app, naming the route and the field;
 * - a request body must have a media type the route accepts (415 UNSUPPORTED_MEDIA_TYPE), and a multipart body
 *   its boundary (400 MULTIPART_INVALID) — otherwise the parser fails deep inside with a 500.
 */
export const inputBoundaryPlugin = fp(async (app: FastifyInstance) => {
  const offenders: string[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    const untyped = ['body', 'querystring', 'params', 'headers'].flatMap((part) => untypedStrings(schema?.[part], part));
    if (untyped.length) offenders.push(`${[route.method].flat().join(',')} ${route.url}: ${untyped.join(', ')}`);
  });
  // All at once, so one run names every field to fix.
  app.addHook('onReady', async () => {
    if (offenders.length) throw new Error(`strings outside the text type of shared/schemas/text.ts:\n  ${offenders.join('\n  ')}`);
  });

  app.addHook('onRequest', async (request) => {
    // Unknown routes answer 404 whatever they are sent.
    if (!UNSAFE_METHODS.has(request.method) || !hasBody(request) || !request.routeOptions.url) return;
    const accepts = request.routeOptions.config.accepts ?? ['application/json'];
    const contentType = request.headers['content-type'];
    const mediaType = mediaTypeOf(contentType);
    if (!mediaType || !accepts.includes(mediaType)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { accepts });
    if (mediaType === 'multipart/form-data' && !/;\s*boundary=("?)[^";]+\1/i.test(contentType!)) throw new AppError('MULTIPART_INVALID');
  });
});
