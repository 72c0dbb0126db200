DROP INDEX "case_clocks_running_due_idx";--> statement-breakpoint
DROP INDEX "cases_open_unit_path_idx";--> statement-breakpoint
CREATE INDEX "case_clocks_running_due_idx" ON "case_clocks" USING btree ("district_code","due_date","case_id","paused_on") WHERE "case_clocks"."stopped_at" is null;--> statement-breakpoint
CREATE INDEX "cases_open_unit_path_idx" ON "cases" USING btree ("district_code","unit_path" text_pattern_ops,"kind","risk_level","people_involved") WHERE "cases"."status" in ('registered','accepted','dispatched','in_progress','suspended');