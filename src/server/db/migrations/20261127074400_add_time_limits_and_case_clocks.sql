CREATE TABLE "case_clocks" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"policy_id" uuid,
	"days" integer NOT NULL,
	"unit" text NOT NULL,
	"warn_percent" integer NOT NULL,
	"max_extension_days" integer,
	"legal_basis" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"started_on" date NOT NULL,
	"due_date" date NOT NULL,
	"is_provisional" integer DEFAULT 0 NOT NULL,
	"paused_on" date,
	"paused_days" integer DEFAULT 0 NOT NULL,
	"extended_days" integer DEFAULT 0 NOT NULL,
	"stopped_at" timestamp with time zone,
	"is_overdue_at_stop" integer,
	CONSTRAINT "case_clocks_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "time_limit_policies" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"priority" integer NOT NULL,
	"stage" text NOT NULL,
	"kind" text,
	"category" text,
	"channel" text,
	"difficulty" text,
	"days" integer NOT NULL,
	"unit" text NOT NULL,
	"max_extension_days" integer,
	"warn_percent" integer DEFAULT 80 NOT NULL,
	"legal_basis" text NOT NULL,
	"is_enabled" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "time_limit_policies_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "time_limit_policies_days_check" CHECK ("time_limit_policies"."days" > 0 and "time_limit_policies"."days" <= 3650),
	CONSTRAINT "time_limit_policies_unit_check" CHECK ("time_limit_policies"."unit" in ('working','calendar'))
);
--> statement-breakpoint
ALTER TABLE "cases" DROP CONSTRAINT "cases_status_check";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "difficulty" text DEFAULT 'ordinary' NOT NULL;--> statement-breakpoint
ALTER TABLE "case_clocks" ADD CONSTRAINT "case_clocks_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_clocks_case_idx" ON "case_clocks" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "case_clocks_running_due_idx" ON "case_clocks" USING btree ("district_code","due_date") WHERE "case_clocks"."stopped_at" is null;--> statement-breakpoint
CREATE INDEX "time_limit_policies_stage_idx" ON "time_limit_policies" USING btree ("district_code","stage","priority");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_difficulty_check" CHECK ("cases"."difficulty" in ('simple','ordinary','complex'));--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_status_check" CHECK ("cases"."status" in ('registered','accepted','rejected','dispatched','in_progress','suspended','concluded','followed_up','escalated','archived'));