-- Replies to a reviewer's doubt: each its own record linked to the finding, which never changes.
-- A reply after the newest verdict puts the finding back in the reviewer's queue.
CREATE TABLE evidence_replies (
    id BLOB PRIMARY KEY,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    record_id BLOB NOT NULL,
    inspection_id BLOB NOT NULL REFERENCES inspections(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    photo_ids TEXT NOT NULL,
    written_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX evidence_replies_record ON evidence_replies (record_id, received_at);
CREATE INDEX evidence_replies_trust ON evidence_replies (trust_id, received_at);
