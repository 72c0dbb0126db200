-- Each case party keeps what was given for that case (issue: a typed party silently replaced by the registry's record).
-- Existing parties take what their person record holds now (the same ciphertext: one key encrypts both tables).
ALTER TABLE "case_parties" ADD COLUMN "type" text;--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "id_number_enc" "bytea";--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "phone_enc" "bytea";--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "address_enc" "bytea";--> statement-breakpoint
ALTER TABLE "case_parties" ADD COLUMN "credit_code" text;--> statement-breakpoint
UPDATE "case_parties" cp SET "type" = p."type", "name" = p."name", "id_number_enc" = p."id_number_enc", "phone_enc" = p."phone_enc", "address_enc" = p."address_enc", "credit_code" = p."credit_code"
  FROM "persons" p WHERE p."district_code" = cp."district_code" AND p."id" = cp."person_id";--> statement-breakpoint
ALTER TABLE "case_parties" ALTER COLUMN "type" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "case_parties" ALTER COLUMN "name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "aliases" text[] DEFAULT '{}'::text[] NOT NULL;
