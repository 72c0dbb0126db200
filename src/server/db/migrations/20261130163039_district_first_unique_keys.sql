DROP INDEX "kiosk_tokens_hash_key";--> statement-breakpoint
DROP INDEX "api_clients_key_hash_key";--> statement-breakpoint
DROP INDEX "phone_verifications_ticket_key";--> statement-breakpoint
CREATE INDEX "api_clients_key_hash_idx" ON "api_clients" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "kiosk_tokens_hash_idx" ON "kiosk_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "phone_verifications_ticket_idx" ON "phone_verifications" USING btree ("ticket_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "api_clients_key_hash_key" ON "api_clients" USING btree ("district_code","key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "phone_verifications_ticket_key" ON "phone_verifications" USING btree ("district_code","ticket_hash");