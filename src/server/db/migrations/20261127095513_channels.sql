CREATE TABLE "api_clients" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"channels" text[] NOT NULL,
	"may_post_camera_alerts" integer DEFAULT 0 NOT NULL,
	"key_prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"signing_secret_enc" "bytea" NOT NULL,
	"callback_url" text,
	"user_id" uuid NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_clients_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "camera_alerts" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"camera_id" uuid NOT NULL,
	"alert_type" text NOT NULL,
	"case_id" uuid NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "camera_alerts_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "camera_points" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"unit_id" uuid NOT NULL,
	"stream_url" text,
	"status" text DEFAULT 'offline' NOT NULL,
	"last_heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "camera_points_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "camera_points_code_key" UNIQUE("district_code","code"),
	CONSTRAINT "camera_points_status_check" CHECK ("camera_points"."status" in ('online','offline'))
);
--> statement-breakpoint
CREATE TABLE "patrol_checkins" (
	"district_code" char(6) NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"note" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "patrol_checkins_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "phone_verifications" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"phone_hash" text NOT NULL,
	"phone_enc" "bytea" NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"ticket_hash" text,
	"ip" text,
	CONSTRAINT "phone_verifications_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "place_lat" double precision;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "place_lng" double precision;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "source_client_id" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "external_ref" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "client_id" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "target_url" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "is_system" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_district_code_user_id_users_district_code_id_fk" FOREIGN KEY ("district_code","user_id") REFERENCES "public"."users"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_alerts" ADD CONSTRAINT "camera_alerts_district_code_camera_id_camera_points_district_code_id_fk" FOREIGN KEY ("district_code","camera_id") REFERENCES "public"."camera_points"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_alerts" ADD CONSTRAINT "camera_alerts_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "camera_points" ADD CONSTRAINT "camera_points_district_code_unit_id_units_district_code_id_fk" FOREIGN KEY ("district_code","unit_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_key_hash_key" ON "api_clients" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "camera_alerts_fold_idx" ON "camera_alerts" USING btree ("district_code","camera_id","alert_type","last_at");--> statement-breakpoint
CREATE INDEX "patrol_checkins_user_idx" ON "patrol_checkins" USING btree ("district_code","user_id","at");--> statement-breakpoint
CREATE INDEX "phone_verifications_phone_idx" ON "phone_verifications" USING btree ("district_code","phone_hash","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "phone_verifications_ticket_key" ON "phone_verifications" USING btree ("ticket_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_external_ref_key" ON "cases" USING btree ("district_code","source_client_id","external_ref");