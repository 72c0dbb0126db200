CREATE TABLE "routing_feedback" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"model_version" integer NOT NULL,
	"context" text NOT NULL,
	"is_accepted" boolean NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_feedback_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "routing_models" (
	"district_code" char(6) NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"model" jsonb,
	"report" jsonb NOT NULL,
	"trained_by" uuid,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_models_district_code_version_pk" PRIMARY KEY("district_code","version"),
	CONSTRAINT "routing_models_status_check" CHECK ("routing_models"."status" in ('active','retired','rejected','not_ready'))
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "source_case_number" text;--> statement-breakpoint
CREATE INDEX "routing_feedback_created_idx" ON "routing_feedback" USING btree ("district_code","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "routing_models_active_key" ON "routing_models" USING btree ("district_code") WHERE "routing_models"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "cases_source_case_number_key" ON "cases" USING btree ("district_code","source_case_number");