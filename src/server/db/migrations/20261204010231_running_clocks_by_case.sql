-- A case's running clocks by the case (schema/deadlines.ts): every step that moves them reads them
-- (modules/deadlines/case-clocks.ts RUNNING_CLOCKS_JSON); a generic plan otherwise may walk the district's running
-- clocks through the by-due-date index.
CREATE INDEX IF NOT EXISTS "case_clocks_running_case_idx" ON "case_clocks" USING btree ("district_code","case_id") WHERE "case_clocks"."stopped_at" is null;