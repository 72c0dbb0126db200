-- Each party row carries its case's registration time (it never changes), so a person's newest cases are an index range.
DROP INDEX "case_parties_person_idx";--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "case_created_at" timestamp with time zone;--> statement-breakpoint
UPDATE "case_parties" p SET "case_created_at" = c."created_at" FROM "cases" c WHERE c."district_code" = p."district_code" AND c."id" = p."case_id";--> statement-breakpoint
ALTER TABLE "case_parties" ALTER COLUMN "case_created_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "case_parties_person_idx" ON "case_parties" USING btree ("district_code","person_id","case_created_at" DESC NULLS LAST,"case_id","role");
