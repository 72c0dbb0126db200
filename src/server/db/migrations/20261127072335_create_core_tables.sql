CREATE TABLE "access_log" (
	"district_code" char(6) NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "access_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"field" text NOT NULL,
	"purpose" text NOT NULL,
	"request_id" text,
	"ip" text,
	CONSTRAINT "access_log_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"event_id" bigint,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attachments_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "attachments_kind_check" CHECK ("attachments"."kind" in ('photo','document','audio'))
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"district_code" char(6) NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "case_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"case_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"reason" text,
	"data" jsonb,
	CONSTRAINT "case_events_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "case_parties" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "case_parties_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"tracking_token" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"summary" text NOT NULL,
	"narrative" text NOT NULL,
	"people_involved" integer NOT NULL,
	"risk_level" text NOT NULL,
	"place_address" text,
	"unit_id" uuid NOT NULL,
	"unit_path" text NOT NULL,
	"registered_by" uuid NOT NULL,
	"lead_unit_id" uuid,
	"lead_unit_path" text,
	"co_unit_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"handler_id" uuid,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"outcome" text,
	"satisfaction" text,
	"reject_reason" text,
	"idempotency_key" text,
	"request_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "cases_code_key" UNIQUE("district_code","code"),
	CONSTRAINT "cases_tracking_token_key" UNIQUE("district_code","tracking_token"),
	CONSTRAINT "cases_idempotency_key" UNIQUE("district_code","registered_by","idempotency_key"),
	CONSTRAINT "cases_status_check" CHECK ("cases"."status" in ('registered','accepted','rejected','dispatched','in_progress','concluded','followed_up','escalated','archived')),
	CONSTRAINT "cases_channel_check" CHECK ("cases"."channel" in ('walk_in','phone','letter','online','grid','camera','transfer')),
	CONSTRAINT "cases_kind_check" CHECK ("cases"."kind" in ('dispute','petition','help','grid_event')),
	CONSTRAINT "cases_category_check" CHECK ("cases"."category" in ('marriage_family','neighbourhood','housing_homestead','contract','business','damages','forest_land','land_acquisition','environment','labour','consumer','medical','traffic','property_management','other'))
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"id_number_enc" "bytea",
	"id_number_hash" text,
	"phone_enc" "bytea",
	"phone_hash" text,
	"address_enc" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_district_code_id_pk" PRIMARY KEY("district_code","id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"district_code" char(6) NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text,
	CONSTRAINT "sessions_district_code_token_hash_pk" PRIMARY KEY("district_code","token_hash")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"parent_id" uuid,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"path" text NOT NULL,
	"depth" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "units_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "units_code_key" UNIQUE("district_code","code"),
	CONSTRAINT "units_kind_check" CHECK ("units"."kind" in ('district','street','community','grid','department'))
);
--> statement-breakpoint
CREATE TABLE "users" (
	"district_code" char(6) NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"unit_id" uuid NOT NULL,
	"is_demo" integer DEFAULT 0 NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_district_code_id_pk" PRIMARY KEY("district_code","id"),
	CONSTRAINT "users_username_key" UNIQUE("district_code","username"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('reception','dispatcher','mediator','unit_handler','grid_worker','counsellor','leader','admin'))
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_parties" ADD CONSTRAINT "case_parties_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_parties" ADD CONSTRAINT "case_parties_district_code_person_id_persons_district_code_id_fk" FOREIGN KEY ("district_code","person_id") REFERENCES "public"."persons"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_district_code_unit_id_units_district_code_id_fk" FOREIGN KEY ("district_code","unit_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_district_code_registered_by_users_district_code_id_fk" FOREIGN KEY ("district_code","registered_by") REFERENCES "public"."users"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_district_code_parent_id_units_district_code_id_fk" FOREIGN KEY ("district_code","parent_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_district_code_unit_id_units_district_code_id_fk" FOREIGN KEY ("district_code","unit_id") REFERENCES "public"."units"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_log_entity_idx" ON "access_log" USING btree ("district_code","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "access_log_actor_idx" ON "access_log" USING btree ("district_code","actor_id","at");--> statement-breakpoint
CREATE INDEX "attachments_case_idx" ON "attachments" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("district_code","case_id","id");--> statement-breakpoint
CREATE INDEX "case_parties_case_idx" ON "case_parties" USING btree ("district_code","case_id");--> statement-breakpoint
CREATE INDEX "case_parties_person_idx" ON "case_parties" USING btree ("district_code","person_id");--> statement-breakpoint
CREATE INDEX "cases_tracking_token_idx" ON "cases" USING btree ("tracking_token");--> statement-breakpoint
CREATE INDEX "cases_unit_path_idx" ON "cases" USING btree ("district_code","unit_path" text_pattern_ops,"created_at");--> statement-breakpoint
CREATE INDEX "cases_lead_unit_path_idx" ON "cases" USING btree ("district_code","lead_unit_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "cases_co_units_idx" ON "cases" USING gin ("co_unit_ids");--> statement-breakpoint
CREATE INDEX "cases_status_created_idx" ON "cases" USING btree ("district_code","status","created_at");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("district_code","created_at");--> statement-breakpoint
CREATE INDEX "cases_handler_idx" ON "cases" USING btree ("district_code","handler_id");--> statement-breakpoint
CREATE INDEX "persons_id_number_hash_idx" ON "persons" USING btree ("district_code","id_number_hash");--> statement-breakpoint
CREATE INDEX "persons_phone_hash_idx" ON "persons" USING btree ("district_code","phone_hash");--> statement-breakpoint
CREATE INDEX "sessions_token_idx" ON "sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "units_path_idx" ON "units" USING btree ("district_code","path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "users_username_idx" ON "users" USING btree ("username");