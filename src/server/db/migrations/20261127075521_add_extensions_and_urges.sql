CREATE TABLE "case_extensions" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"clock_id" uuid NOT NULL,
	"days" integer NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"resident_notice" text,
	CONSTRAINT "case_extensions_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "case_urges" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"note" text NOT NULL,
	"reply_by" date NOT NULL,
	"urged_by" uuid,
	"urged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_automatic" integer DEFAULT 0 NOT NULL,
	"answer" text,
	"answered_by" uuid,
	"answered_at" timestamp with time zone,
	CONSTRAINT "case_urges_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "is_unit_head" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_extensions" ADD CONSTRAINT "case_extensions_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_urges" ADD CONSTRAINT "case_urges_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_extensions_case_idx" ON "case_extensions" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "case_extensions_one_pending" ON "case_extensions" USING btree ("district_code","case_id") WHERE "case_extensions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "case_urges_case_idx" ON "case_urges" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "case_urges_open_idx" ON "case_urges" USING btree ("district_code","reply_by") WHERE "case_urges"."answered_at" is null;