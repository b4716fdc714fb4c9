-- Who recorded each piece of readiness evidence (a finding's inspector, a rating's author), so
-- readiness weighs the evidence of an assessor whose calibration agreed poorly for less.
ALTER TABLE readiness_evidence ADD COLUMN assessor_id UUID;
UPDATE readiness_evidence SET assessor_id = (
    SELECT i.user_id FROM findings f JOIN inspections i ON i.id = f.inspection_id
    WHERE f.id = readiness_evidence.record_id
) WHERE kind = 'finding';
UPDATE readiness_evidence SET assessor_id = (
    SELECT r.user_id FROM ratings r WHERE r.id = readiness_evidence.record_id
) WHERE kind = 'rating';
