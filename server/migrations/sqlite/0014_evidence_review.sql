-- Evidence review by the buddy trust. A verdict is its own record (the evidence never changes):
-- the newest verdict of a finding is its status.
CREATE TABLE evidence_verdicts (
    id BLOB PRIMARY KEY,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    record_id BLOB NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL,
    reviewer_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX evidence_verdicts_record ON evidence_verdicts (record_id, created_at);
CREATE INDEX evidence_verdicts_trust ON evidence_verdicts (trust_id, created_at);

-- Readiness reads the verdict with each value: a verdict supersedes the item's current row and
-- adds one with the new verdict, so readiness as at an earlier day is unchanged.
ALTER TABLE readiness_evidence ADD COLUMN verdict TEXT NOT NULL DEFAULT 'unreviewed';
