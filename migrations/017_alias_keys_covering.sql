-- Real-time "already known?" by other names at a million people: a common surname has hundreds
-- of aliases, and the old index found them by surname key only, then visited the table and worked
-- out each one's first-name key to test it (about 1.4 ms and 550 table pages for one search).
-- Both keys are now in the index, so the search reads only the aliases it keeps.
DROP INDEX person_alias_family_key;
CREATE INDEX person_alias_keys ON person_alias
  (partnership_id, person_family_key(family_name), person_name_key(given_name)) INCLUDE (person_id);
-- An alias recorded with a surname only (a previous surname) matches whatever the first name.
CREATE INDEX person_alias_family_only ON person_alias (partnership_id, person_family_key(family_name))
  INCLUDE (person_id) WHERE given_name IS NULL;
