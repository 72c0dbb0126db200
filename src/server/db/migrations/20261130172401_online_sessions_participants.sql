CREATE TABLE "online_participants" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"party_id" uuid,
	"user_id" uuid,
	"display_name" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_expires_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"rights_accepted_at" timestamp with time zone,
	"recording_consent" boolean NOT NULL,
	"joined_at" timestamp with time zone,
	"left_at" timestamp with time zone,
	"presence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "online_participants_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "online_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "online_ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "recording_note" text;--> statement-breakpoint
ALTER TABLE "online_participants" ADD CONSTRAINT "online_participants_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "online_participants_token_key" ON "online_participants" USING btree ("district_code","token_hash");--> statement-breakpoint
CREATE INDEX "online_participants_token_idx" ON "online_participants" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "online_participants_session_idx" ON "online_participants" USING btree ("district_code","session_id");