-- Paired inspections for calibration: a trust admin pairs two inspectors to inspect one ward
-- with one checklist within a window. Each one's half is the first inspection they start on that
-- ward with that checklist in the window; neither may read the other's until both have finished.
CREATE TABLE calibration_pairs (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    unit_id UUID NOT NULL REFERENCES units(id),
    template_id UUID NOT NULL,
    first_user_id UUID NOT NULL REFERENCES users(id),
    second_user_id UUID NOT NULL REFERENCES users(id),
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    created_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX calibration_pairs_trust ON calibration_pairs (trust_id, opens_on);
CREATE INDEX calibration_pairs_first ON calibration_pairs (first_user_id);
CREATE INDEX calibration_pairs_second ON calibration_pairs (second_user_id);
