-- A change's content is kept once, with its mutation id in sync_mutations: a history row only
-- says which record the change touched, in order. Kind, content and time are read from the
-- mutation.
ALTER TABLE record_history DROP COLUMN data, DROP COLUMN kind, DROP COLUMN recorded_at;
