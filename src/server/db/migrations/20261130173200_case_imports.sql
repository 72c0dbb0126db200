ALTER TABLE "cases" ADD COLUMN "source_case_number" text;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_source_case_number_key" ON "cases" USING btree ("district_code","source_case_number");