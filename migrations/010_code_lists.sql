-- Code lists kept in arrays get the same guard as single codes: the database refuses a value the
-- code does not know (src/architecture.test.ts checks each list against its constraint).

ALTER TABLE app_user ADD CONSTRAINT app_user_roles_known CHECK (roles <@ ARRAY[
  'front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager',
  'administrator', 'elected_member']::text[]);

ALTER TABLE account_change ADD CONSTRAINT account_change_roles_known CHECK (roles <@ ARRAY[
  'front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager',
  'administrator', 'elected_member']::text[]);

ALTER TABLE contact ADD CONSTRAINT contact_categories_known CHECK (categories <@ ARRAY[
  'sexual', 'criminal', 'missing', 'online', 'trafficking', 'cuckooing', 'hsb', 'radicalisation',
  'allegation', 'other']::text[]);

ALTER TABLE assessment ADD CONSTRAINT assessment_flag_types_known CHECK (flag_types <@ ARRAY[
  'cse', 'cce', 'county_lines', 'missing_linked', 'trafficking', 'cuckooing', 'online', 'hsb']::text[]);
