-- Readiness (SQLite). Ratings are the self-assessment and peer review sources: one row per
-- rating record as it now stands, every earlier value kept in record_history like a finding.
CREATE TABLE ratings (
    id BLOB PRIMARY KEY,
    source TEXT NOT NULL,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    unit_id BLOB REFERENCES units(id),
    item_code TEXT NOT NULL,
    rating TEXT NOT NULL,
    justification TEXT NOT NULL,
    evidence_date TEXT NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX ratings_unit ON ratings (unit_id);

-- Evidence as readiness counts it, kept in the push's transaction: one row per value a
-- finding or rating has had (a response or a rating code), with the day (in England) it was
-- recorded and, once a later value replaced it, the day it was superseded. Readiness as at a
-- day reads the rows that stood at the end of it; now, the rows not superseded.
CREATE TABLE readiness_evidence (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id BLOB NOT NULL,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    unit_id BLOB REFERENCES units(id),
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    value TEXT NOT NULL,
    on_date TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    superseded_on TEXT
);
CREATE INDEX readiness_evidence_current ON readiness_evidence (record_id)
    WHERE superseded_on IS NULL;
CREATE INDEX readiness_evidence_trust ON readiness_evidence (trust_id, recorded_on);

-- Findings recorded before readiness existed count from the day they were observed (UTC here;
-- new ones use the day in England).
INSERT INTO readiness_evidence (record_id, trust_id, unit_id, source, kind, subject, value,
                                on_date, recorded_on)
SELECT f.id, i.trust_id, i.unit_id, 'mini_inspection', 'finding',
       f.item_code,
       f.response, date(f.observed_at), date(f.observed_at)
FROM findings f JOIN inspections i ON i.id = f.inspection_id
WHERE f.response IN ('met', 'partially_met', 'not_met');

-- Enforcement a trust admin records against a core service's key question, and lifts later
-- (kept, with both dates, so readiness as at a past day sees what stood then).
CREATE TABLE enforcement_notices (
    id BLOB PRIMARY KEY,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    core_service_id BLOB NOT NULL REFERENCES core_services(id),
    key_question TEXT NOT NULL,
    enforcement TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES users(id),
    lifted_on TEXT
);
CREATE INDEX enforcement_notices_trust ON enforcement_notices (trust_id);

-- The CQC's last published ratings of a core service, per key question (or 'overall').
CREATE TABLE published_ratings (
    id BLOB PRIMARY KEY,
    trust_id BLOB NOT NULL REFERENCES trusts(id),
    core_service_id BLOB NOT NULL REFERENCES core_services(id),
    key_question TEXT NOT NULL,
    rating TEXT NOT NULL,
    report_date TEXT NOT NULL,
    recorded_by BLOB NOT NULL REFERENCES users(id)
);
CREATE INDEX published_ratings_trust ON published_ratings (trust_id);
