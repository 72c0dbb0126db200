CREATE TABLE "petition_replies" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"request" text NOT NULL,
	"facts_and_reasons" text NOT NULL,
	"decision" text NOT NULL,
	"legal_basis" text NOT NULL,
	"issuing_body" text NOT NULL,
	"issued_on" date NOT NULL,
	"issued_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "petition_replies_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "petition_replies" ADD CONSTRAINT "petition_replies_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "petition_replies_stage_key" ON "petition_replies" USING btree ("district_code","case_id","stage");