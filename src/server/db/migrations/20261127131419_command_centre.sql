CREATE TABLE "assessed_units" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"person_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessed_units_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "assessed_units_name_key" UNIQUE("district_code","unit_id","name"),
	CONSTRAINT "assessed_units_type_check" CHECK ("assessed_units"."type" in ('village','community','school','hospital','enterprise','market','station','other'))
);
--> statement-breakpoint
CREATE TABLE "case_stats" (
	"district_code" char(6) NOT NULL,
	"case_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"unit_path" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"received_on" date NOT NULL,
	"decision" text,
	"concluded_on" date,
	"outcome" text,
	"settled_level" text,
	"is_on_time" integer,
	"followed_up_on" date,
	"satisfaction" text,
	"escalated_on" date,
	CONSTRAINT "case_stats_district_code_case_id_pk" PRIMARY KEY("district_code","case_id")
);
--> statement-breakpoint
CREATE TABLE "case_stats_daily" (
	"district_code" char(6) NOT NULL,
	"day" date NOT NULL,
	"unit_id" uuid NOT NULL,
	"unit_path" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"concluded" integer DEFAULT 0 NOT NULL,
	"settled" integer DEFAULT 0 NOT NULL,
	"mediated" integer DEFAULT 0 NOT NULL,
	"agreements" integer DEFAULT 0 NOT NULL,
	"timed" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	"level_village" integer DEFAULT 0 NOT NULL,
	"level_town" integer DEFAULT 0 NOT NULL,
	"level_district" integer DEFAULT 0 NOT NULL,
	"followed_up" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"escalated" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "case_stats_daily_district_code_day_unit_id_kind_category_channel_pk" PRIMARY KEY("district_code","day","unit_id","kind","category","channel")
);
--> statement-breakpoint
CREATE TABLE "three_zero_figures" (
	"district_code" char(6) NOT NULL,
	"assessed_unit_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"accidents" integer NOT NULL,
	"criminal_cases" integer NOT NULL,
	"source" text NOT NULL,
	"entered_by" uuid NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "three_zero_figures_district_code_assessed_unit_id_year_pk" PRIMARY KEY("district_code","assessed_unit_id","year"),
	CONSTRAINT "three_zero_figures_counts_check" CHECK ("three_zero_figures"."accidents" >= 0 and "three_zero_figures"."criminal_cases" >= 0)
);
--> statement-breakpoint
CREATE TABLE "three_zero_targets" (
	"district_code" char(6) NOT NULL,
	"year" integer NOT NULL,
	"group" text NOT NULL,
	"percent" integer NOT NULL,
	CONSTRAINT "three_zero_targets_district_code_year_group_pk" PRIMARY KEY("district_code","year","group"),
	CONSTRAINT "three_zero_targets_percent_check" CHECK ("three_zero_targets"."percent" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "concluded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "followed_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "boundary" jsonb;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "boundary_source" text;--> statement-breakpoint
ALTER TABLE "assessed_units" ADD CONSTRAINT "assessed_units_district_code_unit_id_units_district_code_id_fk" FOREIGN KEY ("district_code","unit_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_stats" ADD CONSTRAINT "case_stats_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "three_zero_figures" ADD CONSTRAINT "three_zero_figures_district_code_assessed_unit_id_assessed_units_district_code_id_fk" FOREIGN KEY ("district_code","assessed_unit_id") REFERENCES "public"."assessed_units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_stats_received_idx" ON "case_stats" USING btree ("district_code","received_on");--> statement-breakpoint
CREATE INDEX "case_stats_concluded_idx" ON "case_stats" USING btree ("district_code","concluded_on") WHERE "case_stats"."concluded_on" is not null;--> statement-breakpoint
CREATE INDEX "case_stats_followed_up_idx" ON "case_stats" USING btree ("district_code","followed_up_on") WHERE "case_stats"."followed_up_on" is not null;--> statement-breakpoint
CREATE INDEX "case_stats_escalated_idx" ON "case_stats" USING btree ("district_code","escalated_on") WHERE "case_stats"."escalated_on" is not null;--> statement-breakpoint
-- Cases concluded, followed up or escalated before these columns existed get their dates from their timelines.
UPDATE "cases" c SET "concluded_at" = (SELECT max(e."at") FROM "case_events" e WHERE e."district_code" = c."district_code" AND e."case_id" = c."id" AND e."action" IN ('conclude', 'resolve_on_spot')) WHERE c."outcome" IS NOT NULL;
--> statement-breakpoint
UPDATE "cases" c SET "followed_up_at" = (SELECT max(e."at") FROM "case_events" e WHERE e."district_code" = c."district_code" AND e."case_id" = c."id" AND e."action" = 'follow_up') WHERE c."satisfaction" IS NOT NULL;
--> statement-breakpoint
UPDATE "cases" c SET "escalated_at" = (SELECT max(e."at") FROM "case_events" e WHERE e."district_code" = c."district_code" AND e."case_id" = c."id" AND e."action" = 'escalate') WHERE c."status" IN ('escalated', 'archived');
