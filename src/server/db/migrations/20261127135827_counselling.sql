CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
CREATE TABLE "counselling_appointments" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"counsellor_id" uuid NOT NULL,
	"room_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'booked' NOT NULL,
	"note" text,
	"booked_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counselling_appointments_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "counselling_appointments_status_check" CHECK ("counselling_appointments"."status" in ('booked','attended','cancelled','no_show')),
	CONSTRAINT "counselling_appointments_time_check" CHECK ("counselling_appointments"."ends_at" > "counselling_appointments"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "counselling_rooms" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"is_active" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "counselling_rooms_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "counselling_rooms_name_key" UNIQUE("district_code","name")
);
--> statement-breakpoint
CREATE TABLE "counselling_services" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid,
	"person_id" uuid NOT NULL,
	"source" text NOT NULL,
	"reason_enc" "bytea" NOT NULL,
	"requested_by" uuid,
	"counsellor_id" uuid,
	"status" text DEFAULT 'requested' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "counselling_services_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "counselling_services_status_check" CHECK ("counselling_services"."status" in ('requested','active','referred_out','closed')),
	CONSTRAINT "counselling_services_source_check" CHECK ("counselling_services"."source" in ('case_referral','walk_in','portal'))
);
--> statement-breakpoint
CREATE TABLE "counselling_sessions" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"appointment_id" uuid,
	"counsellor_id" uuid NOT NULL,
	"notes_enc" "bytea" NOT NULL,
	"held_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "counselling_sessions_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "crisis_alerts" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"administration_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assessed_by" uuid,
	"assessed_at" timestamp with time zone,
	"risk_level" text,
	"assessment_enc" "bytea",
	CONSTRAINT "crisis_alerts_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "kiosk_tokens" (
	"district_code" char(6) NOT NULL,
	"token_hash" text NOT NULL,
	"service_id" uuid NOT NULL,
	"scale_code" text NOT NULL,
	"created_by" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "kiosk_tokens_district_code_token_hash_pk" PRIMARY KEY("district_code","token_hash")
);
--> statement-breakpoint
CREATE TABLE "medical_referrals" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"institution" text NOT NULL,
	"reason_enc" "bytea" NOT NULL,
	"referred_by" uuid NOT NULL,
	"referred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"follow_up_on" date NOT NULL,
	"follow_up_enc" "bytea",
	"followed_up_at" timestamp with time zone,
	CONSTRAINT "medical_referrals_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "scale_administrations" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"scale_code" text NOT NULL,
	"answers_enc" "bytea" NOT NULL,
	"total" integer NOT NULL,
	"band" text NOT NULL,
	"mode" text NOT NULL,
	"administered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scale_administrations_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "scale_definitions" (
	"district_code" char(6) NOT NULL,
	"code" text NOT NULL,
	"definition" jsonb NOT NULL,
	"is_built_in" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scale_definitions_district_code_code_pk" PRIMARY KEY("district_code","code")
);
--> statement-breakpoint
ALTER TABLE "counselling_appointments" ADD CONSTRAINT "counselling_appointments_district_code_service_id_counselling_services_district_code_id_fk" FOREIGN KEY ("district_code","service_id") REFERENCES "public"."counselling_services"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_appointments" ADD CONSTRAINT "counselling_appointments_district_code_room_id_counselling_rooms_district_code_id_fk" FOREIGN KEY ("district_code","room_id") REFERENCES "public"."counselling_rooms"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counselling_sessions" ADD CONSTRAINT "counselling_sessions_district_code_service_id_counselling_services_district_code_id_fk" FOREIGN KEY ("district_code","service_id") REFERENCES "public"."counselling_services"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_alerts" ADD CONSTRAINT "crisis_alerts_district_code_service_id_counselling_services_district_code_id_fk" FOREIGN KEY ("district_code","service_id") REFERENCES "public"."counselling_services"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "medical_referrals" ADD CONSTRAINT "medical_referrals_district_code_service_id_counselling_services_district_code_id_fk" FOREIGN KEY ("district_code","service_id") REFERENCES "public"."counselling_services"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scale_administrations" ADD CONSTRAINT "scale_administrations_district_code_service_id_counselling_services_district_code_id_fk" FOREIGN KEY ("district_code","service_id") REFERENCES "public"."counselling_services"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "counselling_appointments_service_idx" ON "counselling_appointments" USING btree ("district_code","service_id");--> statement-breakpoint
CREATE INDEX "counselling_appointments_time_idx" ON "counselling_appointments" USING btree ("district_code","starts_at");--> statement-breakpoint
CREATE INDEX "counselling_services_case_idx" ON "counselling_services" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "counselling_services_person_idx" ON "counselling_services" USING btree ("district_code","person_id");--> statement-breakpoint
CREATE INDEX "counselling_sessions_service_idx" ON "counselling_sessions" USING btree ("district_code","service_id");--> statement-breakpoint
CREATE INDEX "crisis_alerts_open_idx" ON "crisis_alerts" USING btree ("district_code","raised_at") WHERE "crisis_alerts"."assessed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "kiosk_tokens_hash_key" ON "kiosk_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "scale_administrations_service_idx" ON "scale_administrations" USING btree ("district_code","service_id","created_at");--> statement-breakpoint
-- No counsellor and no room is booked twice at the same time (a cancelled or missed appointment frees the slot).
ALTER TABLE "counselling_appointments" ADD CONSTRAINT "counselling_appointments_counsellor_free" EXCLUDE USING gist ("district_code" WITH =, "counsellor_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("status" IN ('booked', 'attended'));
--> statement-breakpoint
ALTER TABLE "counselling_appointments" ADD CONSTRAINT "counselling_appointments_room_free" EXCLUDE USING gist ("district_code" WITH =, "room_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&) WHERE ("status" IN ('booked', 'attended'));
