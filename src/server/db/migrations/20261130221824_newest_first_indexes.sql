DROP INDEX "case_parties_person_idx";--> statement-breakpoint
DROP INDEX "case_search_created_idx";--> statement-breakpoint
CREATE INDEX "case_parties_person_idx" ON "case_parties" USING btree ("district_code","person_id","case_created_at","case_id","role");--> statement-breakpoint
CREATE INDEX "case_search_created_idx" ON "case_search" USING btree ("district_code","case_created_at");