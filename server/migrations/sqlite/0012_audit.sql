-- The audit trail: append-only, one hash chain per trust (server/src/audit/chain.rs). An entry
-- is written in the same transaction as the change it records; its content (before and after)
-- can be redacted, its digest and hash never change. audit_heads holds each chain's last
-- entry: moving it locks the row, so concurrent writers queue instead of forking the chain.
CREATE TABLE audit_log (
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor_id BLOB,
    action TEXT NOT NULL,
    subject_id BLOB,
    content TEXT,
    content_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    redacted_at TEXT,
    PRIMARY KEY (trust_id, seq)
);
CREATE INDEX audit_log_at ON audit_log (trust_id, at);

CREATE TABLE audit_heads (
    trust_id BLOB PRIMARY KEY REFERENCES trusts(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
