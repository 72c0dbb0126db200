-- Each clock carries its case's place path (a case's place never changes after registration): filled from the cases.
ALTER TABLE "case_clocks" ADD COLUMN "unit_path" text;--> statement-breakpoint
UPDATE "case_clocks" k SET "unit_path" = c."unit_path" FROM "cases" c WHERE c."district_code" = k."district_code" AND c."id" = k."case_id";--> statement-breakpoint
ALTER TABLE "case_clocks" ALTER COLUMN "unit_path" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "case_clocks_running_path_idx" ON "case_clocks" USING btree ("district_code","unit_path" text_pattern_ops,"due_date","case_id","paused_on") WHERE "case_clocks"."stopped_at" is null;
