import { XMLBuilder } from 'fast-xml-parser';

/**
 * GeoReport v2 answers in its two formats. XML element names follow the specification: a list's root names the
 * collection and each item its own element (`<services><service>`, `<service_requests><request>`,
 * `<errors><error>`); a null field is an empty element.
 */
export type Open311Format = 'json' | 'xml';

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false, processEntities: true });

type Scalar = string | number | boolean | null;
export type Open311Item = Record<string, Scalar | Scalar[] | Record<string, unknown> | Record<string, unknown>[]>;

export function renderXml(root: string, item: string | null, value: Open311Item | Open311Item[]): string {
  const clean = (v: unknown): unknown => {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.map(clean);
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, clean(x)]));
    return v;
  };
  const body = item ? { [root]: { [item]: clean(value) } } : { [root]: clean(value) };
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(body)}`;
}

export const CONTENT_TYPES: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** `services.json` → `{ name: 'services', format: 'json' }`; no known suffix → undefined. */
export function splitFormat(segment: string): { name: string; format: Open311Format } | undefined {
  const m = /^(.*)\.(json|xml)$/i.exec(segment);
  return m ? { name: m[1]!, format: m[2]!.toLowerCase() as Open311Format } : undefined;
}
