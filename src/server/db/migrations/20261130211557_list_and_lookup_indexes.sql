DROP INDEX "cases_place_trgm_idx";--> statement-breakpoint
CREATE INDEX "cases_status_category_created_idx" ON "cases" USING btree ("district_code","status","category","created_at");--> statement-breakpoint
CREATE INDEX "persons_org_name_idx" ON "persons" USING btree ("district_code","name") WHERE "persons"."type" = 'organization';