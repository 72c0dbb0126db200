ALTER TABLE "cases" DROP CONSTRAINT "cases_idempotency_key";--> statement-breakpoint
DROP INDEX "cases_lead_unit_path_idx";--> statement-breakpoint
DROP INDEX "cases_handler_idx";--> statement-breakpoint
DROP INDEX "cases_external_ref_key";--> statement-breakpoint
DROP INDEX "cases_source_case_number_key";--> statement-breakpoint
CREATE UNIQUE INDEX "cases_idempotency_key" ON "cases" USING btree ("district_code","registered_by","idempotency_key") WHERE "cases"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "cases_lead_unit_path_idx" ON "cases" USING btree ("district_code","lead_unit_path" text_pattern_ops) WHERE "cases"."lead_unit_path" is not null;--> statement-breakpoint
CREATE INDEX "cases_handler_idx" ON "cases" USING btree ("district_code","handler_id") WHERE "cases"."handler_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_external_ref_key" ON "cases" USING btree ("district_code","source_client_id","external_ref") WHERE "cases"."external_ref" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_source_case_number_key" ON "cases" USING btree ("district_code","source_case_number") WHERE "cases"."source_case_number" is not null;