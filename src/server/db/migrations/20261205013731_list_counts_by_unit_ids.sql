-- A list under a street or any unit of tens of units (modules/cases/cases.repository.ts countUnderUnits) counts its
-- matches by its units' ids: placed under one of them (first index) or led from one of them and placed elsewhere
-- (second; INCLUDE unit_id, which drizzle's index builder cannot express, says which without reading the row).
-- The list indexes by status and category, ordered by date, read every case of the status and category to keep the
-- street's sixth (bench:related at a million cases: 5,000-8,500 entries read per count of a thousand).
CREATE INDEX IF NOT EXISTS "cases_unit_status_category_idx" ON "cases" USING btree ("district_code","unit_id","status","category");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "cases_lead_unit_status_category_idx" ON "cases" USING btree ("district_code","lead_unit_id","status","category") INCLUDE ("unit_id") WHERE "cases"."lead_unit_id" is not null;
