-- A change's content is kept once, with its mutation id in sync_mutations: a history row only
-- says which record the change touched, in order. Kind, content and time are read from the
-- mutation.
ALTER TABLE record_history DROP COLUMN data;
ALTER TABLE record_history DROP COLUMN kind;
ALTER TABLE record_history DROP COLUMN recorded_at;
