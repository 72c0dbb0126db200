-- The 0/1 integer flags become booleans (issue 18 item 4). One ALTER TABLE per table, so each table is rewritten once;
-- an integer default cannot be cast to boolean, so it is dropped first and set again as a boolean.
ALTER TABLE "api_clients"
  ALTER COLUMN "may_post_camera_alerts" DROP DEFAULT,
  ALTER COLUMN "may_post_camera_alerts" SET DATA TYPE boolean USING ("may_post_camera_alerts" <> 0),
  ALTER COLUMN "may_post_camera_alerts" SET DEFAULT false;
--> statement-breakpoint
ALTER TABLE "case_clocks"
  ALTER COLUMN "is_provisional" DROP DEFAULT,
  ALTER COLUMN "is_provisional" SET DATA TYPE boolean USING ("is_provisional" <> 0),
  ALTER COLUMN "is_provisional" SET DEFAULT false,
  ALTER COLUMN "is_overdue_at_stop" SET DATA TYPE boolean USING ("is_overdue_at_stop" <> 0);
--> statement-breakpoint
ALTER TABLE "case_stats"
  ALTER COLUMN "is_on_time" SET DATA TYPE boolean USING ("is_on_time" <> 0);
--> statement-breakpoint
ALTER TABLE "case_urges"
  ALTER COLUMN "is_automatic" DROP DEFAULT,
  ALTER COLUMN "is_automatic" SET DATA TYPE boolean USING ("is_automatic" <> 0),
  ALTER COLUMN "is_automatic" SET DEFAULT false;
--> statement-breakpoint
ALTER TABLE "counselling_rooms"
  ALTER COLUMN "is_active" DROP DEFAULT,
  ALTER COLUMN "is_active" SET DATA TYPE boolean USING ("is_active" <> 0),
  ALTER COLUMN "is_active" SET DEFAULT true;
--> statement-breakpoint
ALTER TABLE "mediation_sessions"
  ALTER COLUMN "is_public" DROP DEFAULT,
  ALTER COLUMN "is_public" SET DATA TYPE boolean USING ("is_public" <> 0),
  ALTER COLUMN "is_public" SET DEFAULT false;
--> statement-breakpoint
ALTER TABLE "scale_definitions"
  ALTER COLUMN "is_built_in" DROP DEFAULT,
  ALTER COLUMN "is_built_in" SET DATA TYPE boolean USING ("is_built_in" <> 0),
  ALTER COLUMN "is_built_in" SET DEFAULT false;
--> statement-breakpoint
ALTER TABLE "time_limit_policies"
  ALTER COLUMN "is_enabled" DROP DEFAULT,
  ALTER COLUMN "is_enabled" SET DATA TYPE boolean USING ("is_enabled" <> 0),
  ALTER COLUMN "is_enabled" SET DEFAULT true;
--> statement-breakpoint
ALTER TABLE "users"
  ALTER COLUMN "is_demo" DROP DEFAULT,
  ALTER COLUMN "is_demo" SET DATA TYPE boolean USING ("is_demo" <> 0),
  ALTER COLUMN "is_demo" SET DEFAULT false,
  ALTER COLUMN "is_unit_head" DROP DEFAULT,
  ALTER COLUMN "is_unit_head" SET DATA TYPE boolean USING ("is_unit_head" <> 0),
  ALTER COLUMN "is_unit_head" SET DEFAULT false,
  ALTER COLUMN "is_system" DROP DEFAULT,
  ALTER COLUMN "is_system" SET DATA TYPE boolean USING ("is_system" <> 0),
  ALTER COLUMN "is_system" SET DEFAULT false;
