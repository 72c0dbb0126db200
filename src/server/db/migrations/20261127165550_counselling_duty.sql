CREATE TABLE "counselling_duty" (
	"district_code" char(6) NOT NULL,
	"day" date NOT NULL,
	"counsellor_id" uuid NOT NULL,
	"assigned_by" uuid NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counselling_duty_district_code_day_counsellor_id_pk" PRIMARY KEY("district_code","day","counsellor_id")
);
--> statement-breakpoint
ALTER TABLE "counselling_duty" ADD CONSTRAINT "counselling_duty_district_code_counsellor_id_users_district_code_id_fk" FOREIGN KEY ("district_code","counsellor_id") REFERENCES "public"."users"("district_code","id") ON DELETE no action ON UPDATE no action;