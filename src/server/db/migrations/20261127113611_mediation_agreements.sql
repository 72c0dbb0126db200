CREATE TABLE "judicial_confirmations" (
	"district_code" char(6) NOT NULL,
	"agreement_id" uuid NOT NULL,
	"court" text NOT NULL,
	"applied_on" date NOT NULL,
	"decision" text,
	"decided_on" date,
	"note" text,
	"recorded_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "judicial_confirmations_district_code_agreement_id_pk" PRIMARY KEY("district_code","agreement_id")
);
--> statement-breakpoint
CREATE TABLE "mediation_agreements" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"form" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"subject_matter" text NOT NULL,
	"party_ids" uuid[] NOT NULL,
	"facts" text DEFAULT '' NOT NULL,
	"disputed_matters" text DEFAULT '' NOT NULL,
	"responsibilities" text DEFAULT '' NOT NULL,
	"terms" jsonb NOT NULL,
	"mediator_id" uuid NOT NULL,
	"committee_name" text NOT NULL,
	"signatures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"finalized_at" timestamp with time zone,
	"effective_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mediation_agreements_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "mediation_agreements" ADD CONSTRAINT "mediation_agreements_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mediation_agreements_case_key" ON "mediation_agreements" USING btree ("district_code","case_id");