import { api } from '../api.js';

/** The answer of `GET /api/notifications` (the schema is the route's own: src/server/modules/notifications/notifications.routes.ts). */
export interface Inbox {
  items: { id: string; caseId: string | null; title: string; body: string; createdAt: string; isRead: boolean }[];
  unread: number;
  total: number;
}

/** `GET /api/notifications` (listNotifications): the newest page of the signed-in user's inbox. */
export function listNotifications(pageSize: number): Promise<Inbox> {
  return api(`/api/notifications?pageSize=${pageSize}`);
}

/** `POST /api/notifications/read` (markNotificationsRead): these notifications read, or all of mine when `ids` is omitted. */
export function markNotificationsRead(ids?: string[]): Promise<{ updated: number }> {
  return api('/api/notifications/read', { method: 'POST', json: ids ? { ids } : {} });
}
