import { z } from 'zod';

/** One in-app notification (a reminder, an escalation) as its recipient's inbox shows it. */
export const notificationSchema = z.object({
  id: z.string(),
  caseId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  isRead: z.boolean(),
});
export type Notification = z.infer<typeof notificationSchema>;

/** `GET /api/notifications`: a page of the inbox with its unread and total counts. */
export const notificationInboxSchema = z.object({ items: z.array(notificationSchema), unread: z.number(), total: z.number() });
export type NotificationInbox = z.infer<typeof notificationInboxSchema>;

/** `POST /api/notifications/read`: which to mark read. */
export const markNotificationsReadBodySchema = z.object({
  ids: z.array(z.string().uuid()).max(100).optional().describe('Omitted: all of mine'),
});

/** How many notifications a mark-read changed. */
export const updatedCountSchema = z.object({ updated: z.number() });
