-- The “三零” board's 零上访 count as a rollup measure (leftVillage, src/shared/indicators.ts), by the day a case was
-- received. Filled from each case's statistics row, which already includes the changes not yet folded (their pending
-- rows carry 0 for it, so rollup + pending = the recount).
ALTER TABLE "case_stats_pending" ADD COLUMN "left_village" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_stats_units" ADD COLUMN "left_village" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO "case_stats_units" ("district_code", "grain", "period", "unit_id", "kind", "unit_path", "left_village")
SELECT f."district_code", g.grain,
  CASE WHEN g.grain = 'day' THEN f."received_on" ELSE date_trunc(g.grain, f."received_on"::timestamp)::date END,
  f."unit_id", f."kind", min(f."unit_path"), count(*)::int
FROM "case_stats" f CROSS JOIN (VALUES ('day'), ('week'), ('month'), ('year')) g(grain)
WHERE f."settled_level" IN ('town', 'district') OR f."escalated_on" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT ("district_code", "grain", "period", "unit_id", "kind") DO UPDATE SET "left_village" = excluded."left_village";
