-- Checklist templates, one row per version. trust_id is NULL for the built-in walk-round.
-- ward_types and prompt_codes are JSON arrays of strings.
CREATE TABLE checklist_templates (
    id BLOB NOT NULL,
    version INTEGER NOT NULL,
    trust_id BLOB REFERENCES trusts(id),
    name TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    ward_types TEXT NOT NULL,
    prompt_codes TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE INDEX checklist_templates_trust ON checklist_templates (trust_id);
