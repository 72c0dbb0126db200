CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "case_search" (
	"district_code" char(6) NOT NULL,
	"case_id" uuid NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	"party_vector" "tsvector" NOT NULL,
	CONSTRAINT "case_search_district_code_case_id_pk" PRIMARY KEY("district_code","case_id")
);
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "address_hash" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "phone_suffix_hash" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "name_pinyin" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "credit_code" text;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "case_search" ADD CONSTRAINT "case_search_district_code_case_id_cases_district_code_id_fk" FOREIGN KEY ("district_code","case_id") REFERENCES "public"."cases"("district_code","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_search_text_idx" ON "case_search" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "case_search_party_idx" ON "case_search" USING gin ("party_vector");--> statement-breakpoint
CREATE INDEX "cases_place_trgm_idx" ON "cases" USING gin ("place_address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "persons_phone_suffix_idx" ON "persons" USING btree ("district_code","phone_suffix_hash");--> statement-breakpoint
CREATE INDEX "persons_address_hash_idx" ON "persons" USING btree ("district_code","address_hash");--> statement-breakpoint
CREATE INDEX "persons_name_pinyin_idx" ON "persons" USING btree ("district_code","name_pinyin");--> statement-breakpoint
CREATE INDEX "persons_credit_code_idx" ON "persons" USING btree ("district_code","credit_code");--> statement-breakpoint
CREATE INDEX "persons_name_trgm_idx" ON "persons" USING gin ("name" gin_trgm_ops);