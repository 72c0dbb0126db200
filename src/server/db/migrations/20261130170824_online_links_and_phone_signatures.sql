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
ALTER TABLE "agreement_signatures" ADD CONSTRAINT "agreement_signatures_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "online_links" ADD CONSTRAINT "online_links_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreement_signatures_agreement_idx" ON "agreement_signatures" USING btree ("district_code","agreement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "online_links_token_key" ON "online_links" USING btree ("district_code","token_hash");--> statement-breakpoint
CREATE INDEX "online_links_token_idx" ON "online_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "online_links_subject_idx" ON "online_links" USING btree ("district_code","subject_id");