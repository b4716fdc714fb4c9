-- A user's open inspections are listed at every pull (the device fetches any handed over to
-- them), so that list is read by owner and status.
CREATE INDEX inspections_owner ON inspections (user_id, status);
