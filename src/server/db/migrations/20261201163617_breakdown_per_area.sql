-- case_stats_breakdown keeps the district and its streets (depth ≤ 1) as areas, beside the deeper places, keyed by the
-- unit first (src/server/db/schema/stats.ts, breakdownUnitsOf in modules/stats/case-stats.ts): a district's or
-- street's view reads its own rows. Existing per-place rows are spread over those units and summed; the pending rows
-- stay per place (readers add them under the unit's path).
ALTER TABLE "case_stats_breakdown" DROP CONSTRAINT "case_stats_breakdown_district_code_grain_period_unit_id_kind_dimension_key_pk";--> statement-breakpoint
CREATE TEMP TABLE "breakdown_by_area" AS
SELECT b."district_code", b."grain", b."period", a.id::uuid AS "unit_id", a.path AS "unit_path", b."kind", b."dimension", b."key",
  sum(b."received")::int AS "received", sum(b."concluded")::int AS "concluded", sum(b."settled")::int AS "settled",
  sum(b."agreements")::int AS "agreements", sum(b."level_village")::int AS "level_village",
  sum(b."level_town")::int AS "level_town", sum(b."level_district")::int AS "level_district"
FROM "case_stats_breakdown" b
CROSS JOIN LATERAL (
  SELECT x.id, '/' || array_to_string(p.parts[1:x.n], '/') || '/' AS path
  FROM (SELECT string_to_array(trim(both '/' from b."unit_path"), '/') AS parts) p, unnest(p.parts) WITH ORDINALITY x(id, n)
  WHERE x.n <= 2 OR x.n = cardinality(p.parts)
) a
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;--> statement-breakpoint
TRUNCATE "case_stats_breakdown";--> statement-breakpoint
INSERT INTO "case_stats_breakdown" ("district_code", "grain", "period", "unit_id", "unit_path", "kind", "dimension", "key",
  "received", "concluded", "settled", "agreements", "level_village", "level_town", "level_district")
SELECT "district_code", "grain", "period", "unit_id", "unit_path", "kind", "dimension", "key",
  "received", "concluded", "settled", "agreements", "level_village", "level_town", "level_district"
FROM "breakdown_by_area";--> statement-breakpoint
DROP TABLE "breakdown_by_area";--> statement-breakpoint
ALTER TABLE "case_stats_breakdown" ADD CONSTRAINT "case_stats_breakdown_district_code_unit_id_grain_period_kind_dimension_key_pk" PRIMARY KEY("district_code","unit_id","grain","period","kind","dimension","key");
