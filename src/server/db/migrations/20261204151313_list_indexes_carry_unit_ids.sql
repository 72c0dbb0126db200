-- The case list's indexes carry the case's unit and lead unit (schema/cases.ts): a list under a street or any unit
-- of tens of units (modules/cases/cases.repository.ts underUnit) filters by those ids, so counting its
-- matches reads the index alone instead of every candidate row of the table for its paths (bench:related at a
-- million cases: status + category + street counted in 28 ms at 1 client, 224 ms at 8). INCLUDE, which drizzle's
-- index builder cannot express: the columns and names stay those of the schema.
DROP INDEX IF EXISTS "cases_status_category_created_idx";--> statement-breakpoint
CREATE INDEX "cases_status_category_created_idx" ON "cases" USING btree ("district_code","status","category","created_at") INCLUDE ("unit_id","lead_unit_id");--> statement-breakpoint
DROP INDEX IF EXISTS "cases_category_created_idx";--> statement-breakpoint
CREATE INDEX "cases_category_created_idx" ON "cases" USING btree ("district_code","category","created_at") INCLUDE ("unit_id","lead_unit_id");--> statement-breakpoint
DROP INDEX IF EXISTS "cases_status_created_idx";--> statement-breakpoint
CREATE INDEX "cases_status_created_idx" ON "cases" USING btree ("district_code","status","created_at") INCLUDE ("unit_id","lead_unit_id");
