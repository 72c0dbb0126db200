import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  addWorkingDaysQuerySchema,
  countResultSchema,
  dateResultSchema,
  importCalendarBodySchema,
  importedYearsSchema,
  isWorkingDayQuerySchema,
  putYearBodySchema,
  workingDaysBetweenQuerySchema,
  workingDaySchema,
  yearDetailSchema,
  yearParamsSchema,
  yearSummaryListSchema,
} from '../../../shared/schemas/calendar.js';
import { actorOf } from '../../plugins/auth.js';
import { AppError } from '../../plugins/errors.js';
import { listCalendarYears, loadYearSchedules } from './calendar.repository.js';
import { importCalendar, putCalendarYear } from './edit-calendar.js';
import { parseCalendarImport } from './parse-calendar-import.js';

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, calendar } = app.deps;

  // Served to other systems as well, without sign-in: the official calendar is public information.
  app.get(
    '/add-working-days',
    {
      schema: {
        operationId: 'addWorkingDays',
        tags: ['calendar'],
        summary: 'N 个工作日后的日期 (start day not counted; 调休 counted)',
        querystring: addWorkingDaysQuerySchema,
        response: { 200: dateResultSchema },
      },
    },
    async (request) => (await calendar.get()).addWorkingDays(request.query.from, request.query.days),
  );

  app.get(
    '/add-calendar-days',
    {
      schema: {
        operationId: 'addCalendarDays',
        tags: ['calendar'],
        summary: 'N 日后的日期，末日为节假日的顺延至其后第一个工作日',
        querystring: addWorkingDaysQuerySchema,
        response: { 200: dateResultSchema },
      },
    },
    async (request) => (await calendar.get()).addCalendarDays(request.query.from, request.query.days),
  );

  app.get(
    '/working-days-between',
    {
      schema: {
        operationId: 'countWorkingDays',
        tags: ['calendar'],
        summary: 'Working days d with from < d ≤ to',
        querystring: workingDaysBetweenQuerySchema,
        response: { 200: countResultSchema },
      },
    },
    async (request) => (await calendar.get()).countWorkingDays(request.query.from, request.query.to),
  );

  app.get(
    '/years',
    {
      onRequest: [app.requirePermission('calendar.view')],
      schema: { operationId: 'listCalendarYears', tags: ['calendar'], response: { 200: yearSummaryListSchema } },
    },
    async () => ({ items: (await listCalendarYears(db)).map((y) => ({ ...y, updatedAt: y.updatedAt.toISOString() })) }),
  );

  app.get(
    '/years/:year',
    {
      onRequest: [app.requirePermission('calendar.view')],
      schema: { operationId: 'getCalendarYear', tags: ['calendar'], params: yearParamsSchema, response: { 200: yearDetailSchema } },
    },
    async (request) => {
      const years = await listCalendarYears(db);
      const meta = years.find((y) => y.year === request.params.year);
      if (!meta) throw new AppError('CALENDAR_YEAR_NOT_FOUND');
      const schedule = (await loadYearSchedules(db)).find((s) => s.year === request.params.year)!;
      return {
        year: schedule.year,
        holidays: [...schedule.holidays],
        workdays: [...schedule.workdays],
        source: meta.source,
        updatedAt: meta.updatedAt.toISOString(),
      };
    },
  );

  app.put(
    '/years/:year',
    {
      onRequest: [app.requirePermission('calendar.edit')],
      schema: {
        operationId: 'putCalendarYear',
        tags: ['calendar'],
        summary: 'Load or correct one year (replaces it whole; logged)',
        params: yearParamsSchema,
        body: putYearBodySchema,
        response: { 200: yearDetailSchema },
      },
    },
    async (request) => {
      const { year, recomputed } = await putCalendarYear({
        db,
        calendar,
        actor: actorOf(request),
        schedule: { year: request.params.year, ...request.body },
      });
      request.log.info({ year: year.year, recomputed }, 'calendar year replaced; provisional deadlines recomputed');
      return year;
    },
  );

  app.post(
    '/import',
    {
      onRequest: [app.requirePermission('calendar.edit')],
      schema: {
        operationId: 'importCalendar',
        tags: ['calendar'],
        summary: 'Import years from JSON ({"years":[…]}) or CSV (date,kind,name); each year named is replaced whole',
        body: importCalendarBodySchema,
        response: { 200: importedYearsSchema },
      },
    },
    async (request) => {
      const { years, recomputed } = await importCalendar({
        db,
        calendar,
        actor: actorOf(request),
        schedules: parseCalendarImport(request.body.content),
        fileName: request.body.fileName,
      });
      request.log.info({ years, recomputed }, 'calendar imported; provisional deadlines recomputed');
      return { years: [...years].sort() };
    },
  );

  app.get(
    '/is-working-day',
    {
      schema: {
        operationId: 'isWorkingDay',
        tags: ['calendar'],
        querystring: isWorkingDayQuerySchema,
        response: { 200: workingDaySchema },
      },
    },
    async (request) => (await calendar.get()).isWorkingDay(request.query.date),
  );
};
