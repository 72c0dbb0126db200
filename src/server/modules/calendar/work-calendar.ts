import { createWorkCalendar, type WorkCalendar } from '../../../shared/calendar.js';
import type { Db } from '../../db/client.js';
import { loadYearSchedules } from './calendar.repository.js';

const MAX_AGE_MS = 60_000;

/**
 * The calendar in memory (a few thousand days), reloaded after an edit in this process and at least every minute,
 * so an edit made through another instance reaches this one within a minute.
 */
export class WorkCalendarCache {
  private calendar: WorkCalendar | undefined;
  private loadedAt = 0;
  private loading: Promise<WorkCalendar> | undefined;

  constructor(private readonly db: Db) {}

  async get(): Promise<WorkCalendar> {
    if (this.calendar && Date.now() - this.loadedAt < MAX_AGE_MS) return this.calendar;
    this.loading ??= loadYearSchedules(this.db)
      .then((schedules) => {
        this.calendar = createWorkCalendar(schedules);
        this.loadedAt = Date.now();
        return this.calendar;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }
}
