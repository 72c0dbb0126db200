import type { NotificationInbox } from '../../../shared/schemas/notifications.js';
import { api } from '../api.js';

/** The answer of `GET /api/notifications` (its schema: src/shared/schemas/notifications.ts). */
export type Inbox = NotificationInbox;

/** `GET /api/notifications` (listNotifications): the newest page of the signed-in user's inbox. */
export function listNotifications(pageSize: number): Promise<Inbox> {
  return api(`/api/notifications?pageSize=${pageSize}`);
}

/** `POST /api/notifications/read` (markNotificationsRead): these notifications read, or all of mine when `ids` is omitted. */
export function markNotificationsRead(ids?: string[]): Promise<{ updated: number }> {
  return api('/api/notifications/read', { method: 'POST', json: ids ? { ids } : {} });
}
