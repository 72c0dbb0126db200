DROP TABLE "case_stats_daily" CASCADE;--> statement-breakpoint
DROP TABLE "case_stats_monthly" CASCADE;--> statement-breakpoint
-- The new rollups start empty: forget the per-case rows too, and the start-up backfill (backfillCaseStats) counts every
-- case again, a batch at a time, into case_stats, case_stats_units and case_stats_breakdown.
DELETE FROM "case_stats";
