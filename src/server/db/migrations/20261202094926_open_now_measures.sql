-- The cockpit's live 在办 and 高风险/群体性 figures as rollup measures (openNow, openMassRisk: src/shared/indicators.ts),
-- by the day a case was received, so a view sums a few rows per place instead of counting the district's open cases.
-- Each case's statistics row learns whether it is open and high-risk or mass now (the facts of
-- modules/stats/case-stats.ts, with OPEN_STATUSES of src/shared/case-lifecycle.ts), then the rollup is filled from those
-- rows, which already include the changes not yet folded (their pending rows carry 0 for both, so rollup + pending =
-- the recount).
ALTER TABLE "case_stats" ADD COLUMN "is_open" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats" ADD COLUMN "is_mass_risk" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_pending" ADD COLUMN "open_now" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_pending" ADD COLUMN "open_mass_risk" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_units" ADD COLUMN "open_now" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_units" ADD COLUMN "open_mass_risk" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "case_stats" f SET
  "is_open" = c."status" IN ('registered', 'accepted', 'dispatched', 'in_progress', 'suspended'),
  "is_mass_risk" = (c."risk_level" = 'high' OR c."people_involved" >= 5)
FROM "cases" c WHERE c."district_code" = f."district_code" AND c."id" = f."case_id"
  -- Only the rows that change (both columns default to false): a few open cases, not every case's row rewritten.
  AND (c."status" IN ('registered', 'accepted', 'dispatched', 'in_progress', 'suspended') OR c."risk_level" = 'high' OR c."people_involved" >= 5);--> statement-breakpoint
INSERT INTO "case_stats_units" ("district_code", "grain", "period", "unit_id", "kind", "unit_path", "open_now", "open_mass_risk")
SELECT f."district_code", g.grain,
  CASE WHEN g.grain = 'day' THEN f."received_on" ELSE date_trunc(g.grain, f."received_on"::timestamp)::date END,
  f."unit_id", f."kind", min(f."unit_path"), count(*)::int, (count(*) FILTER (WHERE f."is_mass_risk"))::int
FROM "case_stats" f CROSS JOIN (VALUES ('day'), ('week'), ('month'), ('year')) g(grain)
WHERE f."is_open"
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT ("district_code", "grain", "period", "unit_id", "kind") DO UPDATE SET "open_now" = excluded."open_now", "open_mass_risk" = excluded."open_mass_risk";
