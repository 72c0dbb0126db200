CREATE TABLE "mediation_sessions" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"room" text NOT NULL,
	"mediator_names" text NOT NULL,
	"invited_party_ids" uuid[] NOT NULL,
	"is_public" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"attended_party_ids" uuid[],
	"rights_note" text,
	"statements" jsonb,
	"record" text,
	"outcome" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"held_at" timestamp with time zone,
	CONSTRAINT "mediation_sessions_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD CONSTRAINT "mediation_sessions_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mediation_sessions_case_idx" ON "mediation_sessions" USING btree ("district_code","case_id");