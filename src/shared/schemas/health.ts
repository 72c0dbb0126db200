import { z } from 'zod';

/** `GET /api/health`: the process answers and its database does, with the server's time. */
export const healthSchema = z.object({ status: z.literal('ok'), database: z.literal('ok'), time: z.string() });
