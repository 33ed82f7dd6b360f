-- Lantern foundation: partnership, agencies, users, sessions, tokens, wards, people, chronology, audit.
-- Every domain table carries partnership_id (the distribution key if a region shards by partnership).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- The role the application's queries run as. Roles are cluster-wide, so create it once.
DO $$
BEGIN
  CREATE ROLE lantern_app NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$
BEGIN
  EXECUTE format('GRANT lantern_app TO %I', current_user);
EXCEPTION WHEN others THEN NULL; -- superusers may already SET ROLE to anything
END $$;

CREATE TABLE partnership (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agency (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('childrens_social_care', 'adult_social_care', 'police', 'health',
    'education', 'youth_service', 'commissioned_charity', 'business_unit')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, code)
);

CREATE TABLE app_user (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  email text,
  agency_id uuid NOT NULL REFERENCES agency(id),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
-- Usernames are unique across the whole installation: sign-in happens before a partnership is known.
CREATE UNIQUE INDEX app_user_username ON app_user (lower(username));

-- Failed sign-ins, keyed by a hash of the typed username whether or not such a user exists,
-- so backoff and lock-out behave identically for real and made-up usernames.
CREATE TABLE sign_in_throttle (
  key_hash text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  last_failure_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

CREATE TABLE user_session (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  absolute_expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE api_token (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE ward (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  code text NOT NULL,
  name text NOT NULL,
  under18_population integer NOT NULL CHECK (under18_population >= 0),
  boundary jsonb NOT NULL,
  PRIMARY KEY (partnership_id, code)
);

-- The partnership's postcode gazetteer: how an address's postcode resolves to a ward.
CREATE TABLE postcode (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  postcode text NOT NULL,
  ward_code text NOT NULL,
  latitude double precision,
  longitude double precision,
  PRIMARY KEY (partnership_id, postcode),
  FOREIGN KEY (partnership_id, ward_code) REFERENCES ward(partnership_id, code)
);

CREATE TABLE person (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  given_name text NOT NULL,
  middle_names text,
  family_name text NOT NULL,
  date_of_birth date,
  dob_precision text NOT NULL CHECK (dob_precision IN ('exact', 'approximate', 'unknown')),
  gender text NOT NULL CHECK (gender IN ('female', 'male', 'other', 'not_known')),
  ethnicity text,
  address_line text,
  town text,
  postcode text,
  ward_code text,
  nhs_number text,
  upn text,
  police_ref text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK ((dob_precision = 'unknown') = (date_of_birth IS NULL)),
  FOREIGN KEY (partnership_id, ward_code) REFERENCES ward(partnership_id, code)
);
CREATE INDEX person_name_trgm ON person USING gin ((lower(given_name || ' ' || family_name)) gin_trgm_ops);
CREATE INDEX person_family_name ON person (partnership_id, lower(family_name));
CREATE INDEX person_dob ON person (partnership_id, date_of_birth);
CREATE INDEX person_postcode ON person (partnership_id, postcode);
CREATE INDEX person_nhs_number ON person (partnership_id, nhs_number) WHERE nhs_number IS NOT NULL;

CREATE TABLE person_alias (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE,
  given_name text,
  family_name text,
  kind text NOT NULL CHECK (kind IN ('alias', 'previous_name', 'nickname', 'street_name'))
);
CREATE INDEX person_alias_person ON person_alias (person_id);
CREATE INDEX person_alias_name_trgm ON person_alias
  USING gin ((lower(coalesce(given_name, '') || ' ' || coalesce(family_name, ''))) gin_trgm_ops);

-- Which agencies know this person, and by what reference.
CREATE TABLE person_agency (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agency(id),
  local_reference text,
  known_since date NOT NULL DEFAULT current_date,
  PRIMARY KEY (person_id, agency_id)
);
CREATE INDEX person_agency_agency ON person_agency (agency_id);

-- The person's chronology, fed by every module (contacts, decisions, flags, missing episodes...).
CREATE TABLE chronology_entry (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE,
  occurred_at timestamptz NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  detail text,
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chronology_person ON chronology_entry (person_id, occurred_at DESC);

-- The audit trail: append-only and hash-chained per partnership.
CREATE TABLE audit_event (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_username text,
  actor_roles text[] NOT NULL DEFAULT '{}',
  actor_agency_id uuid,
  action text NOT NULL,
  subject_person_id uuid,
  reason text,
  details jsonb NOT NULL DEFAULT '{}',
  request_id text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_event_subject ON audit_event (subject_person_id, seq DESC) WHERE subject_person_id IS NOT NULL;
CREATE INDEX audit_event_chain ON audit_event (partnership_id, seq);

-- The canonical digest of an event: every field, in a fixed JSON form, with the previous hash.
CREATE FUNCTION audit_event_digest(e audit_event) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_object(
    'seq', e.seq,
    'partnership_id', e.partnership_id,
    'occurred_at', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'actor_user_id', e.actor_user_id,
    'actor_username', e.actor_username,
    'actor_roles', to_jsonb(e.actor_roles),
    'actor_agency_id', e.actor_agency_id,
    'action', e.action,
    'subject_person_id', e.subject_person_id,
    'reason', e.reason,
    'details', e.details,
    'request_id', e.request_id,
    'prev_hash', e.prev_hash
  )::text, 'UTF8')), 'hex')
$$;

-- Chains each new event to the last one of its partnership. The advisory lock serialises
-- concurrent writers of one partnership so the chain never forks.
CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7204002, hashtext(NEW.partnership_id::text));
  SELECT hash INTO NEW.prev_hash FROM audit_event
    WHERE partnership_id = NEW.partnership_id ORDER BY seq DESC LIMIT 1;
  NEW.prev_hash := coalesce(NEW.prev_hash, repeat('0', 64));
  NEW.hash := '';
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END $$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events cannot be changed or removed' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();

-- Privileges of the application role: everything it needs, and on audit_event only read and append.
GRANT USAGE ON SCHEMA public TO lantern_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO lantern_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM lantern_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM lantern_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO lantern_app;
