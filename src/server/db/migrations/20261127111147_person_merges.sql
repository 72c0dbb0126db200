CREATE TABLE "person_merges" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"from_person_id" uuid NOT NULL,
	"into_person_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"merged_by" uuid NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_by" uuid,
	"undone_at" timestamp with time zone,
	CONSTRAINT "person_merges_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "person_not_same" (
	"district_code" char(6) NOT NULL,
	"person_a" uuid NOT NULL,
	"person_b" uuid NOT NULL,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_not_same_district_code_person_a_person_b_pk" PRIMARY KEY("district_code","person_a","person_b")
);
--> statement-breakpoint
CREATE INDEX "person_merges_from_idx" ON "person_merges" USING btree ("district_code","from_person_id");