-- Each urge carries its case's place path (a case's place never changes after registration): filled from the cases.
ALTER TABLE "case_urges" ADD COLUMN "unit_path" text;--> statement-breakpoint
UPDATE "case_urges" g SET "unit_path" = c."unit_path" FROM "cases" c WHERE c."district_code" = g."district_code" AND c."id" = g."case_id";--> statement-breakpoint
ALTER TABLE "case_urges" ALTER COLUMN "unit_path" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "case_urges_path_idx" ON "case_urges" USING btree ("district_code","unit_path" text_pattern_ops,"urged_at");
