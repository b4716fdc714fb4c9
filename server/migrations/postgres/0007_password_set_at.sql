-- When each password was last set: a one-time password expires a while after it was given.
-- Accounts from before this migration count from when they were made.
ALTER TABLE users ADD COLUMN password_set_at TIMESTAMPTZ;
UPDATE users SET password_set_at = created_at;
