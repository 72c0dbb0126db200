import type { z } from 'zod';
import type { ScaleDefinition } from '../../../shared/scales.js';
import type {
  AddRoomBody,
  AddSessionBody,
  AdministerBody,
  Administered,
  Appointment,
  AppointmentStatusBody,
  AssessAlertBody,
  BookAppointmentBody,
  Counsellor,
  CounsellingFigures,
  counsellingCreatedSchema,
  CounsellingRoom,
  CreateKioskLinkBody,
  CrisisAlert,
  DutyRoster,
  KioskLink,
  ReferOutBody,
  scaleCreatedSchema,
  ServiceDetail,
  serviceListSchema,
  SessionNotes,
  SetDutyBody,
  WalkInBody,
} from '../../../shared/schemas/counselling.js';
import { api } from '../../app/api.js';

// The counsellors' workspace and the leaders' counts page (src/server/modules/counselling/counselling.routes.ts): one
// function per route, named after its operationId, for every tab and the service drawer.

type Created = z.infer<typeof counsellingCreatedSchema>;

// Crisis alerts, services and walk-ins

/** `GET /api/counselling/alerts` (listCrisisAlerts): crisis alerts, only the open ones with `open: 'true'`. */
export function listCrisisAlerts(query: { open?: 'true' | 'false' } = {}): Promise<CrisisAlert[]> {
  return api(`/api/counselling/alerts${query.open ? `?open=${query.open}` : ''}`);
}

/** `POST /api/counselling/alerts/{id}/assessment` (assessCrisisAlert): the counsellor's assessment of an alert. */
export function assessCrisisAlert(alertId: string, body: AssessAlertBody): Promise<void> {
  return api(`/api/counselling/alerts/${alertId}/assessment`, { method: 'POST', json: body });
}

/** `GET /api/counselling/services` (listCounsellingServices): the services the counsellor may see. */
export function listCounsellingServices(): Promise<z.infer<typeof serviceListSchema>> {
  return api('/api/counselling/services');
}

/** `GET /api/counselling/services/{id}` (getCounsellingService): one service with its appointments, sessions and scores. */
export function getCounsellingService(serviceId: string): Promise<ServiceDetail> {
  return api(`/api/counselling/services/${serviceId}`);
}

/** `POST /api/counselling/walk-ins` (createWalkIn): a service for someone who came in without a referral. */
export function createWalkIn(body: WalkInBody): Promise<Created> {
  return api('/api/counselling/walk-ins', { method: 'POST', json: body });
}

/** `POST /api/counselling/services/{id}/close` (closeCounsellingService): the service ends. */
export function closeCounsellingService(serviceId: string): Promise<void> {
  return api(`/api/counselling/services/${serviceId}/close`, { method: 'POST' });
}

// Appointments, rooms, counsellors and the duty roster

/** `GET /api/counselling/appointments` (listAppointments): appointments starting between two instants (ISO 8601). */
export function listAppointments(from: string, to: string): Promise<Appointment[]> {
  return api(`/api/counselling/appointments?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
}

/** `POST /api/counselling/appointments` (bookAppointment): a counsellor and a room for a time (no double booking). */
export function bookAppointment(body: BookAppointmentBody): Promise<Created> {
  return api('/api/counselling/appointments', { method: 'POST', json: body });
}

/** `POST /api/counselling/appointments/{id}/status` (setAppointmentStatus): attended, cancelled or no-show. */
export function setAppointmentStatus(appointmentId: string, body: AppointmentStatusBody): Promise<void> {
  return api(`/api/counselling/appointments/${appointmentId}/status`, { method: 'POST', json: body });
}

/** `GET /api/counselling/rooms` (listCounsellingRooms): the service zone's rooms. */
export function listCounsellingRooms(): Promise<CounsellingRoom[]> {
  return api('/api/counselling/rooms');
}

/** `POST /api/counselling/rooms` (addCounsellingRoom): a room added by a supervisor or an admin. */
export function addCounsellingRoom(body: AddRoomBody): Promise<CounsellingRoom> {
  return api('/api/counselling/rooms', { method: 'POST', json: body });
}

/** `GET /api/counselling/counsellors` (listCounsellors): the centre's counsellors. */
export function listCounsellors(): Promise<Counsellor[]> {
  return api('/api/counselling/counsellors');
}

/** `GET /api/counselling/duty` (readCounsellingDuty): who is on duty each day from `from` to `to` (YYYY-MM-DD). */
export function readCounsellingDuty(from: string, to: string): Promise<DutyRoster> {
  return api(`/api/counselling/duty?from=${from}&to=${to}`);
}

/** `PUT /api/counselling/duty/{day}` (setCounsellingDuty): one day's counsellors on duty. */
export function setCounsellingDuty(day: string, body: SetDutyBody): Promise<void> {
  return api(`/api/counselling/duty/${day}`, { method: 'PUT', json: body });
}

// Sessions, scales, kiosk links and referrals of a service

/** `POST /api/counselling/services/{id}/sessions` (addSession): a session's sealed notes. */
export function addCounsellingSession(serviceId: string, body: AddSessionBody): Promise<Created> {
  return api(`/api/counselling/services/${serviceId}/sessions`, { method: 'POST', json: body });
}

/** `GET /api/counselling/sessions/{id}` (readSession): a session's notes, for their author and supervisors (the read is logged). */
export function readSession(sessionId: string): Promise<SessionNotes> {
  return api(`/api/counselling/sessions/${sessionId}`);
}

/** `GET /api/counselling/scales` (listScales): the scales the centre administers. */
export function listScales(): Promise<ScaleDefinition[]> {
  return api('/api/counselling/scales');
}

/** `POST /api/counselling/scales` (addScale): a new scale, as data. */
export function addScale(scale: ScaleDefinition): Promise<z.infer<typeof scaleCreatedSchema>> {
  return api('/api/counselling/scales', { method: 'POST', json: scale });
}

/** `POST /api/counselling/services/{id}/administrations` (administerScale): a scale's answers, scored; a crisis raises an alert. */
export function administerScale(serviceId: string, body: AdministerBody): Promise<Administered> {
  return api(`/api/counselling/services/${serviceId}/administrations`, { method: 'POST', json: body });
}

/** `POST /api/counselling/services/{id}/kiosk-links` (createKioskLink): a one-time link for the tablet or the person's phone. */
export function createKioskLink(serviceId: string, body: CreateKioskLinkBody): Promise<KioskLink> {
  return api(`/api/counselling/services/${serviceId}/kiosk-links`, { method: 'POST', json: body });
}

/** `POST /api/counselling/services/{id}/referrals` (referOut): referred to a medical institution, with a follow-up date. */
export function referOut(serviceId: string, body: ReferOutBody): Promise<Created> {
  return api(`/api/counselling/services/${serviceId}/referrals`, { method: 'POST', json: body });
}

// The leaders' counts

/** `GET /api/counselling/figures` (counsellingFigures): counts only, from `from` to `to` (YYYY-MM-DD). */
export function getCounsellingFigures(from: string, to: string): Promise<CounsellingFigures> {
  return api(`/api/counselling/figures?from=${from}&to=${to}`);
}
