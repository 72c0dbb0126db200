CREATE TABLE "online_invitees" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"phone_enc" "bytea" NOT NULL,
	"phone_hash" text NOT NULL,
	"invited_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "online_invitees_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "online_links" ALTER COLUMN "party_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "online_links" ADD COLUMN "invitee_id" uuid;--> statement-breakpoint
ALTER TABLE "online_participants" ADD COLUMN "invitee_id" uuid;--> statement-breakpoint
ALTER TABLE "online_invitees" ADD CONSTRAINT "online_invitees_district_code_session_id_mediation_sessions_district_code_id_fk" FOREIGN KEY ("district_code","session_id") REFERENCES "public"."mediation_sessions"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_invitees" ADD CONSTRAINT "online_invitees_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "online_invitees_session_phone_key" ON "online_invitees" USING btree ("district_code","session_id","phone_hash");--> statement-breakpoint
ALTER TABLE "online_links" ADD CONSTRAINT "online_links_one_recipient" CHECK (num_nonnulls("online_links"."party_id", "online_links"."invitee_id") = 1);