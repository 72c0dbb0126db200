import type { FormRule } from 'antd';
import type { ZodType } from 'zod';

/** An Ant Design form rule from a shared zod schema, so the browser checks exactly what the server checks. */
export function zodRule(schema: ZodType, message: string): FormRule {
  return {
    validator: async (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      if (!schema.safeParse(value).success) throw new Error(message);
    },
  };
}
