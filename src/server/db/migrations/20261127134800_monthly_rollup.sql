CREATE TABLE "case_stats_monthly" (
	"district_code" char(6) NOT NULL,
	"month" date NOT NULL,
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
	CONSTRAINT "case_stats_monthly_district_code_month_unit_id_kind_category_channel_pk" PRIMARY KEY("district_code","month","unit_id","kind","category","channel")
);
--> statement-breakpoint
-- Databases counted before the monthly grain existed: their months are the sums of their days.
INSERT INTO "case_stats_monthly" SELECT "district_code", date_trunc('month', "day")::date, "unit_id", min("unit_path"), "kind", "category", "channel",
  sum("received"), sum("accepted"), sum("rejected"), sum("concluded"), sum("settled"), sum("mediated"), sum("agreements"), sum("timed"), sum("on_time"), sum("late"),
  sum("level_village"), sum("level_town"), sum("level_district"), sum("followed_up"), sum("satisfied"), sum("escalated")
FROM "case_stats_daily" GROUP BY 1, 2, 3, 5, 6, 7;
