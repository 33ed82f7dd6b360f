-- Phonetic name keys for real-time candidate search: indexed equality instead of trigram scans.
-- Computed by PostgreSQL (fuzzystrmatch's dmetaphone) here and in the search query, so both
-- sides always agree.

CREATE FUNCTION person_name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif(dmetaphone(regexp_replace(lower(split_part(trim(coalesce(name, '')), ' ', 1)), '[^a-z]', '', 'g')), '')
$$;
CREATE FUNCTION person_family_key(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT nullif(dmetaphone(regexp_replace(lower(coalesce(name, '')), '[^a-z]', '', 'g')), '')
$$;

ALTER TABLE person ADD COLUMN given_key text, ADD COLUMN family_key text;

CREATE FUNCTION person_name_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.given_key := person_name_key(NEW.given_name);
  NEW.family_key := person_family_key(NEW.family_name);
  RETURN NEW;
END $$;
CREATE TRIGGER person_name_keys BEFORE INSERT OR UPDATE OF given_name, family_name ON person
  FOR EACH ROW EXECUTE FUNCTION person_name_keys();

UPDATE person SET given_key = person_name_key(given_name), family_key = person_family_key(family_name);

CREATE INDEX person_name_keys_dob ON person (partnership_id, family_key, given_key, date_of_birth);
CREATE INDEX person_postcode_given_key ON person (partnership_id, postcode, given_key);
