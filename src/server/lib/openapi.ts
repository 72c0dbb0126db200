import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MEDIA_TYPES } from './media-types.js';

/** How the document shows a body of `mediaType`: JSON as any value, text as a string, anything else as bytes. */
const bodySchemaOf = (mediaType: string) =>
  mediaType === MEDIA_TYPES.json ? {} : mediaType.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' };

/**
 * A response whose body is a file, a page or a stream rather than a JSON value: `response: { 200: fileResponse(…) }`.
 *
 * Fastify takes `content` per media type (it never serialises a Buffer or a string sent with its own type, so the
 * schema inside is not applied to the bytes); `openApiTransform` writes it into the document as
 * `content: { '<type>': { schema: { type: 'string', format: 'binary' } } }`.
 */
export function fileResponse(opts: { description: string; mediaTypes: readonly string[] }) {
  return {
    description: opts.description,
    content: Object.fromEntries(opts.mediaTypes.map((type) => [type, { schema: z.unknown() }])),
  };
}

type FileResponse = ReturnType<typeof fileResponse>;

const isFileResponse = (value: unknown): value is FileResponse =>
  typeof value === 'object' && value !== null && !(value instanceof z.ZodType) && 'content' in value && typeof value.content === 'object';

/**
 * The OpenAPI transform of the app: zod schemas as `fastify-type-provider-zod` renders them, and the responses
 * declared with `fileResponse` under their own media types.
 */
export const openApiTransform: typeof jsonSchemaTransform = (input) => {
  const response = input.schema?.response as Record<string, unknown> | undefined;
  const files = Object.entries(response ?? {}).filter(([, r]) => isFileResponse(r)) as [string, FileResponse][];
  if (!files.length) return jsonSchemaTransform(input);
  const others = Object.fromEntries(Object.entries(response!).filter(([, r]) => !isFileResponse(r)));
  const out = jsonSchemaTransform({ ...input, schema: { ...input.schema, response: Object.keys(others).length ? others : undefined } });
  const documented = files.map(([code, r]) => [
    code,
    {
      description: r.description,
      content: Object.fromEntries(Object.keys(r.content).map((type) => [type, { schema: bodySchemaOf(type) }])),
    },
  ]);
  return {
    ...out,
    schema: { ...out.schema, response: { ...(out.schema?.response as object | undefined), ...Object.fromEntries(documented) } },
  };
};
