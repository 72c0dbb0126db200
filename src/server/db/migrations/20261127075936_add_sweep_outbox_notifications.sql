CREATE TABLE "auto_escalations" (
	"district_code" char(6) NOT NULL,
	"clock_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"to_unit_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auto_escalations_district_code_clock_id_pk" PRIMARY KEY("district_code","clock_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"outbox_id" uuid NOT NULL,
	"case_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "notifications_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "notifications_outbox_key" UNIQUE("district_code","outbox_id")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"channel" text NOT NULL,
	"recipient_user_id" uuid,
	"recipient_phone_enc" "bytea",
	"case_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "outbox_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "outbox_dedupe_key" UNIQUE("district_code","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "scheduled_tasks" (
	"name" text PRIMARY KEY NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "supervising_unit_id" uuid;--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("district_code","user_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("created_at") WHERE "outbox"."sent_at" is null and "outbox"."claimed_at" is null;