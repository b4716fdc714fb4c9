-- One counter per trust, moved with any of its wards' or its own readiness counters and when a
-- ward is added: a repeat question about a trust is answered after reading this one row.
CREATE TABLE readiness_epochs (
    trust_id BLOB PRIMARY KEY REFERENCES trusts(id),
    epoch INTEGER NOT NULL
);
