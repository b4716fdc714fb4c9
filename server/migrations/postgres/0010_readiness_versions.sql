-- A change counter per ward (and per trust, for its trust-level ratings, enforcement notices
-- and published ratings), moved in the same transaction as the change. Each server keeps what
-- it computed from a ward's evidence and recomputes only the wards whose counter has moved:
-- the counters live here, so servers sharing one database never serve a score a sync changed.
CREATE TABLE readiness_versions (
    scope_id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    version BIGINT NOT NULL
);
CREATE INDEX readiness_versions_trust ON readiness_versions (trust_id);

-- One ward's evidence, read when only that ward changed.
CREATE INDEX readiness_evidence_unit ON readiness_evidence (unit_id, recorded_on);
