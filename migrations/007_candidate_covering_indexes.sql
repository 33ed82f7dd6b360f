-- Real-time "already known?" at a million people: each branch of the candidate search reads only
-- its index (an index-only scan) instead of visiting the table for every person it looks at, so
-- a busy date of birth or postcode costs a few index pages, not hundreds of table pages. The table
-- is visited once, for the candidates kept.
DROP INDEX person_exact_dob;
CREATE INDEX person_exact_dob ON person (partnership_id, date_of_birth)
  INCLUDE (id, family_key, given_key, family_name, given_name) WHERE dob_precision = 'exact';

DROP INDEX person_name_keys_dob;
CREATE INDEX person_name_keys_dob ON person (partnership_id, family_key, given_key, date_of_birth)
  INCLUDE (id, postcode);

DROP INDEX person_postcode_given_key;
CREATE INDEX person_postcode_keys ON person (partnership_id, postcode) INCLUDE (id, given_key, family_key);
