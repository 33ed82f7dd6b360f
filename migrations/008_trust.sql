-- Trust under load (decisions 003 and 011): the audit chain is sealed after commit instead of inside
-- every request's transaction; row-level security by partnership; one normalised username key.

-- Nobody but the owner creates objects in the schema (PostgreSQL 15's default, stated for older
-- clusters restored into newer ones).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

------------------------------------------------------------------------------------------------
-- Audit: append in the request's transaction, seal afterwards.
-- An event is written with the change it describes, as before. It no longer takes a lock or looks
-- at its predecessor: the sealer (decision 003) later gives each committed event its place in the
-- partnership's chain and its hash, computed outside the database. Forks are impossible by
-- construction: a chain position is a primary key.
DROP TRIGGER audit_event_chain ON audit_event;
DROP FUNCTION audit_event_chain();
-- Verification no longer trusts any database function; this one is gone so nothing can use it.
DROP FUNCTION audit_event_digest(audit_event);
-- The hash columns of the first design; events from before this migration are sealed afresh.
ALTER TABLE audit_event ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL,
  ALTER COLUMN prev_hash SET DEFAULT NULL, ALTER COLUMN hash SET DEFAULT NULL;
-- People shown in a list (work queues, search results, review lists) without being opened.
ALTER TABLE audit_event ADD COLUMN listed_person_ids uuid[];
CREATE INDEX audit_event_listed ON audit_event USING gin (listed_person_ids) WHERE listed_person_ids IS NOT NULL;
-- The old chain index served the per-insert lookup of the predecessor; nothing reads it now.
DROP INDEX audit_event_chain;

-- Committed events waiting for their seal (a small queue: rows leave it as they are sealed).
CREATE TABLE audit_pending (
  partnership_id uuid NOT NULL,
  seq bigint PRIMARY KEY
);
CREATE INDEX audit_pending_partnership ON audit_pending (partnership_id, seq);

CREATE TABLE audit_seal (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  position bigint NOT NULL CHECK (position > 0),
  event_seq bigint NOT NULL UNIQUE,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partnership_id, position)
);

CREATE FUNCTION audit_event_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_pending (partnership_id, seq) SELECT partnership_id, seq FROM new_events;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_event_queue AFTER INSERT ON audit_event
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION audit_event_queue();

-- Everything already recorded is sealed on the next start, in its original order.
INSERT INTO audit_pending (partnership_id, seq) SELECT partnership_id, seq FROM audit_event;

CREATE TRIGGER audit_seal_no_update BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();

GRANT SELECT, INSERT ON audit_seal TO lantern_app;
GRANT SELECT, INSERT, DELETE ON audit_pending TO lantern_app;

------------------------------------------------------------------------------------------------
-- Usernames: one normalised key (NFKC, then case-folded, in Node) for lookup and throttling alike.
-- Usernames so far are ASCII (the form only allows [A-Za-z0-9._-]), where both agree with lower().
ALTER TABLE app_user ADD COLUMN username_key text;
UPDATE app_user SET username_key = lower(username);
ALTER TABLE app_user ALTER COLUMN username_key SET NOT NULL;
DROP INDEX app_user_username;
CREATE UNIQUE INDEX app_user_username_key ON app_user (username_key);
-- A new account may wait for a second administrator's approval before it holds any role.
ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check;

-- Granting roles that reach people's records, or administration, needs a second administrator.
CREATE TABLE account_change (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  kind text NOT NULL CHECK (kind IN ('grant_roles')),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  reason text,
  requested_by uuid NOT NULL REFERENCES app_user(id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  decision_note text,
  -- The database holds the rule too: nobody decides their own request, or roles for themselves.
  CHECK (decided_by IS NULL OR (decided_by <> requested_by AND decided_by <> user_id))
);
CREATE UNIQUE INDEX account_change_one_pending ON account_change (user_id) WHERE status = 'pending';
GRANT SELECT, INSERT, UPDATE ON account_change TO lantern_app;
-- A password set by an administrator is replaced by its user at the next sign-in.
ALTER TABLE app_user ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- Throttling counts attempts before the password is checked, so concurrent tries cannot overrun it.
ALTER TABLE sign_in_throttle ADD COLUMN kind text NOT NULL DEFAULT 'username' CHECK (kind IN ('username', 'address'));

-- The API's idempotency keys remember what was sent: the same key with a different body is refused.
ALTER TABLE contact ADD COLUMN idempotency_body_hash text;

------------------------------------------------------------------------------------------------
-- A person's merged group, as one SELECT so the planner can inline it and use the indexes (the
-- UNION form was planned as a set of unknown size: every read of a person scanned person_agency).
-- Callers write `= ANY(ARRAY(SELECT g FROM person_group(x) g))`: the group (one or a few ids) is
-- found first and the other table's person index used, whatever plan a prepared statement has.
CREATE OR REPLACE FUNCTION person_group(root uuid) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
  SELECT id FROM person WHERE id = root OR merged_into = root
$$;

------------------------------------------------------------------------------------------------
-- The "needs attention" counts on every page of those who work the queues: counted from the
-- index alone (kind included), not by visiting every open work item's row.
DROP INDEX work_item_open;
CREATE INDEX work_item_open ON work_item (partnership_id, due_at) INCLUDE (kind) WHERE completed_at IS NULL;

------------------------------------------------------------------------------------------------
-- Row-level security: every partnership table shows a connection only its own partnership's rows.
-- The service's connections carry their partnership as the setting lantern.partnership_id, fixed
-- when each connection is opened. The owner (migrations, operators' commands) is not subject to it.
CREATE FUNCTION lantern_partnership() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT nullif(current_setting('lantern.partnership_id', true), '')::uuid
$$;

DO $$
DECLARE t text;
BEGIN
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
      JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
     WHERE c.table_schema = 'public' AND c.column_name = 'partnership_id' AND tb.table_type = 'BASE TABLE'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    IF t IN ('app_user', 'agency', 'user_session', 'api_token') THEN
      -- Identity tables: before anyone is signed in (no partnership yet), finding who is signing
      -- in needs them; once a partnership is set, only its own rows.
      EXECUTE format('CREATE POLICY partnership_only ON %I USING (lantern_partnership() IS NULL OR partnership_id = lantern_partnership()) WITH CHECK (lantern_partnership() IS NULL OR partnership_id = lantern_partnership())', t);
    ELSE
      EXECUTE format('CREATE POLICY partnership_only ON %I USING (partnership_id = lantern_partnership()) WITH CHECK (partnership_id = lantern_partnership())', t);
    END IF;
  END LOOP;
END $$;
