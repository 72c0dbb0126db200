CREATE TABLE "agreement_signatures" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agreement_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"party_id" uuid NOT NULL,
	"link_id" uuid NOT NULL,
	"image_png" "bytea" NOT NULL,
	"text_sha256" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"phone_enc" "bytea" NOT NULL,
	"ip" text,
	"user_agent" text,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	CONSTRAINT "agreement_signatures_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "online_links" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"purpose" text NOT NULL,
	"case_id" uuid NOT NULL,
	"party_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"document_kind" text,
	"phone_enc" "bytea" NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"ticket_hash" text,
	"ticket_expires_at" timestamp with time zone,
	"first_opened_at" timestamp with time zone,
	CONSTRAINT "online_links_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
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
CREATE TABLE "session_recordings" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"started_by" uuid NOT NULL,
	"mime_type" text NOT NULL,
	"status" text DEFAULT 'recording' NOT NULL,
	"next_seq" integer DEFAULT 0 NOT NULL,
	"size" bigint DEFAULT 0 NOT NULL,
	"sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "session_recordings_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "online_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "online_ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD COLUMN "recording_note" text;--> statement-breakpoint
ALTER TABLE "agreement_signatures" ADD CONSTRAINT "agreement_signatures_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_links" ADD CONSTRAINT "online_links_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_participants" ADD CONSTRAINT "online_participants_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_recordings" ADD CONSTRAINT "session_recordings_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_signatures_agreement_idx" ON "agreement_signatures" USING btree ("district_code","agreement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "online_links_token_key" ON "online_links" USING btree ("district_code","token_hash");--> statement-breakpoint
CREATE INDEX "online_links_token_idx" ON "online_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "online_links_subject_idx" ON "online_links" USING btree ("district_code","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "online_participants_token_key" ON "online_participants" USING btree ("district_code","token_hash");--> statement-breakpoint
CREATE INDEX "online_participants_token_idx" ON "online_participants" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "online_participants_session_idx" ON "online_participants" USING btree ("district_code","session_id");--> statement-breakpoint
CREATE INDEX "session_recordings_case_idx" ON "session_recordings" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "session_recordings_session_idx" ON "session_recordings" USING btree ("district_code","session_id");