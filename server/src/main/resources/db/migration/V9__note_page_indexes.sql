-- Two costs of every GET /notes that the api benchmark's plans showed (docs/PERFORMANCE.md):
--
-- The patients hidden from the caller (private ones) were found by reading all of an organization's
-- patients, twice per request (the count and the page). An index on the visibility, with the owner,
-- makes that an index-only scan of the private ones.
CREATE INDEX patients_org_visibility ON patients (organization_id, visibility_option, id, user_id);
--
-- A page filtered on a patient, a clinician or a type is ordered by creation and then by id. Without
-- the id in the index, PostgreSQL read and sorted every matching note before taking the page; with it,
-- a page walks the index in order and stops at the page's end. With patient_id in them too, the count
-- of such a filter is an index-only scan, as V7 made it for the date filters.
DROP INDEX notes_org_patient;
CREATE INDEX notes_org_patient ON notes (organization_id, patient_id, created_at, id);
DROP INDEX notes_org_user;
CREATE INDEX notes_org_user ON notes (organization_id, user_id, created_at, id, patient_id);
DROP INDEX notes_org_type;
CREATE INDEX notes_org_type ON notes (organization_id, type, created_at, id, patient_id);
