-- Checklist templates, one row per version. trust_id is NULL for the built-in walk-round.
-- ward_types and prompt_codes are JSON arrays of strings.
CREATE TABLE checklist_templates (
    id UUID NOT NULL,
    version INTEGER NOT NULL,
    trust_id UUID REFERENCES trusts(id),
    name TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    ward_types TEXT NOT NULL,
    prompt_codes TEXT NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX checklist_templates_trust ON checklist_templates (trust_id);
