-- The search table carries each case's registration time (it never changes), so search can rank the newest matches.
ALTER TABLE "case_search" ADD COLUMN "case_created_at" timestamp with time zone;--> statement-breakpoint
UPDATE "case_search" s SET "case_created_at" = c."created_at" FROM "cases" c WHERE c."district_code" = s."district_code" AND c."id" = s."case_id";--> statement-breakpoint
ALTER TABLE "case_search" ALTER COLUMN "case_created_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "case_search_created_idx" ON "case_search" USING btree ("district_code","case_created_at" DESC NULLS LAST);
