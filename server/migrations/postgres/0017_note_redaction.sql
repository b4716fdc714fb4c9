-- A note a trust admin redacted (it named a patient, or said what it should not): the record
-- keeps its answer and photos, its text is blanked wherever it was kept, and this row says who
-- did it, when and why, so pages show it was redacted and devices blank their copies.
CREATE TABLE note_redactions (
    record_id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    redacted_by UUID NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    redacted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX note_redactions_trust ON note_redactions (trust_id, redacted_at);
