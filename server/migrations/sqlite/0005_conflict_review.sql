-- A trust admin resolves each kept conflict: keep what was applied first, or apply the version
-- sent again. Who decided and how is kept with it.
ALTER TABLE sync_conflicts ADD COLUMN resolved_by BLOB REFERENCES users(id);
ALTER TABLE sync_conflicts ADD COLUMN resolution TEXT;
CREATE INDEX sync_conflicts_open ON sync_conflicts (trust_id, resolved_at);
