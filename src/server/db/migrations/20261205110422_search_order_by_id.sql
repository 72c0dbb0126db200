-- Search pages cut their window of newest matches by time, then id (modules/cases/cases.repository.ts): cases registered
-- in one instant straddle the window's edge, and every page must keep the same ones. The id in the index gives that order
-- as read, without sorting the rows walked.
DROP INDEX "case_search_created_idx";--> statement-breakpoint
CREATE INDEX "case_search_created_idx" ON "case_search" USING btree ("district_code","case_created_at","case_id");