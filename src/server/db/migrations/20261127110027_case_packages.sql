CREATE TABLE "case_packages" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"lead_unit_id" uuid NOT NULL,
	"co_unit_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"handler_id" uuid,
	"deadline" date,
	"status" text DEFAULT 'open' NOT NULL,
	"unit_path" text NOT NULL,
	"conclusion" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"concluded_at" timestamp with time zone,
	CONSTRAINT "case_packages_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "case_packages_status_check" CHECK ("case_packages"."status" in ('open','concluded'))
);
--> statement-breakpoint
CREATE TABLE "package_meetings" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"package_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"attendees" text NOT NULL,
	"minutes" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "package_meetings_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "package_members" (
	"district_code" char(6) NOT NULL,
	"package_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"added_by" uuid NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid,
	"remove_reason" text,
	"proposed_outcome" text,
	"proposed_note" text,
	CONSTRAINT "package_members_district_code_package_id_case_id_added_at_pk" PRIMARY KEY("district_code","package_id","case_id","added_at")
);
--> statement-breakpoint
ALTER TABLE "case_packages" ADD CONSTRAINT "case_packages_district_code_lead_unit_id_units_district_code_id_fk" FOREIGN KEY ("district_code","lead_unit_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_meetings" ADD CONSTRAINT "package_meetings_district_code_package_id_case_packages_district_code_id_fk" FOREIGN KEY ("district_code","package_id") REFERENCES "public"."case_packages"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_members" ADD CONSTRAINT "package_members_district_code_package_id_case_packages_district_code_id_fk" FOREIGN KEY ("district_code","package_id") REFERENCES "public"."case_packages"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "package_members" ADD CONSTRAINT "package_members_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_packages_status_idx" ON "case_packages" USING btree ("district_code","status","created_at");--> statement-breakpoint
CREATE INDEX "package_meetings_package_idx" ON "package_meetings" USING btree ("district_code","package_id");--> statement-breakpoint
CREATE UNIQUE INDEX "package_members_active_case_key" ON "package_members" USING btree ("district_code","case_id") WHERE "package_members"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "package_members_package_idx" ON "package_members" USING btree ("district_code","package_id");