-- A photo a trust admin removed (it caught a patient or a record by mistake): its bytes are
-- deleted, and the row stays so its id is refused for good and devices drop their copies.
ALTER TABLE photos ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE photos ADD COLUMN removed_by UUID REFERENCES users(id);
ALTER TABLE photos ADD COLUMN removal_reason TEXT;
CREATE INDEX photos_removed ON photos (removed_at);
