-- How long a trust keeps its evidence, photos and audit trail, in years (a trust without a row
-- keeps the defaults of domain::retention::Retention). Photos past their period are deleted
-- every night, like a removal, with the period as the reason.
CREATE TABLE retention_settings (
    trust_id UUID PRIMARY KEY REFERENCES trusts(id),
    evidence_years INTEGER NOT NULL,
    photo_years INTEGER NOT NULL,
    log_years INTEGER NOT NULL,
    changed_by UUID NOT NULL REFERENCES users(id),
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX photos_created ON photos (trust_id, created_at);
