-- Issue 13, items 18 and 20 (and the purge of item 13).

-- The RS256 signing key's private half is sealed with SECRETS_ENCRYPTION_KEY (AES-256-GCM, the access keys'
-- SecretBox, src/auth/secret-box.ts), bound to its kid. The plaintext column is emptied by the service at
-- start-up once it has sealed the row (sealing needs the key, which SQL does not have).
ALTER TABLE signing_key ADD COLUMN private_key_sealed text;
ALTER TABLE signing_key ALTER COLUMN private_key_pem DROP NOT NULL;
ALTER TABLE signing_key
  ADD CONSTRAINT ck_signing_key_private CHECK (private_key_pem IS NOT NULL OR private_key_sealed IS NOT NULL);

-- Refresh-token families: every token traded from one login shares the family of the first. Presenting a
-- token already used revokes the whole family (the thief's and the owner's descendants alike).
ALTER TABLE refresh_token ADD COLUMN family_id uuid;
UPDATE refresh_token SET family_id = id;
ALTER TABLE refresh_token ALTER COLUMN family_id SET NOT NULL;
ALTER TABLE refresh_token ALTER COLUMN family_id SET DEFAULT gen_random_uuid();
CREATE INDEX ix_refresh_token_family_id ON refresh_token (family_id) WHERE revoked_at IS NULL;

-- The purge: expired refresh tokens, and anonymous players idle past the retention.
CREATE INDEX ix_refresh_token_expires_at ON refresh_token (expires_at);
CREATE INDEX ix_player_anon_last_login_at ON player (last_login_at) WHERE platform = 'Anon';
