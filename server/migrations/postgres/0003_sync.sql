-- What devices push: inspections, findings and interview notes, with every earlier value kept
-- in record_history. sync_mutations remembers each applied mutation by its id so a retry is a
-- duplicate; a reused id with other content is kept in sync_conflicts for review.
CREATE TABLE inspections (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    unit_id UUID NOT NULL REFERENCES units(id),
    user_id UUID NOT NULL REFERENCES users(id),
    framework_id TEXT NOT NULL,
    template_id UUID,
    template_version INTEGER,
    started_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspections_unit ON inspections (unit_id);

CREATE TABLE findings (
    id UUID PRIMARY KEY,
    inspection_id UUID NOT NULL REFERENCES inspections(id),
    item_code TEXT NOT NULL,
    response TEXT,
    note TEXT NOT NULL,
    photo_ids TEXT NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX findings_inspection ON findings (inspection_id);

CREATE TABLE interviews (
    id UUID PRIMARY KEY,
    inspection_id UUID NOT NULL REFERENCES inspections(id),
    interviewee TEXT NOT NULL,
    item_codes TEXT NOT NULL,
    note TEXT NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX interviews_inspection ON interviews (inspection_id);

CREATE TABLE record_history (
    seq BIGSERIAL PRIMARY KEY,
    record_id UUID NOT NULL,
    kind TEXT NOT NULL,
    mutation_id UUID NOT NULL,
    data TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX record_history_record ON record_history (record_id);

CREATE TABLE sync_mutations (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    device_id UUID NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sync_conflicts (
    seq BIGSERIAL PRIMARY KEY,
    mutation_id UUID NOT NULL,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    device_id UUID NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ
);

-- Photos the server holds (the upload pipeline fills it): findings may name photos that arrive later.
CREATE TABLE photos (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    sha256 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
