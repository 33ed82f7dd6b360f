-- Sign-in with the council's identity provider (OpenID Connect).

-- A user signed in through the provider is known by the provider's subject from then on; until the
-- first sign-in, by a verified email address.
ALTER TABLE app_user ADD COLUMN provider_issuer text, ADD COLUMN provider_subject text;
ALTER TABLE app_user ADD CONSTRAINT app_user_provider_pair CHECK ((provider_issuer IS NULL) = (provider_subject IS NULL));
CREATE UNIQUE INDEX app_user_provider ON app_user (provider_issuer, provider_subject) WHERE provider_subject IS NOT NULL;
CREATE INDEX app_user_email ON app_user (lower(email)) WHERE email IS NOT NULL;

-- Kept with the session so that signing out of Lantern also ends the provider's session.
ALTER TABLE user_session ADD COLUMN provider_id_token text;

-- Which roles and agency a provider group gives. A group that grants roles reaches everyone in it,
-- so a new mapping waits for a second administrator, like a role grant; removing one is immediate.
CREATE TABLE sign_in_group (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  group_name text NOT NULL CHECK (group_name <> '' AND length(group_name) <= 256),
  agency_id uuid NOT NULL REFERENCES agency(id),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'removed')),
  reason text NOT NULL,
  requested_by uuid NOT NULL REFERENCES app_user(id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  removed_by uuid REFERENCES app_user(id),
  removed_at timestamptz,
  CONSTRAINT sign_in_group_roles_known CHECK (roles <@ ARRAY[
    'front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager',
    'administrator', 'elected_member']::text[]),
  -- Nobody approves their own mapping.
  CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
-- One live mapping per group (waiting or in force).
CREATE UNIQUE INDEX sign_in_group_live ON sign_in_group (partnership_id, lower(group_name))
  WHERE status IN ('pending', 'approved');
CREATE INDEX sign_in_group_lookup ON sign_in_group (group_name) WHERE status = 'approved';

ALTER TABLE sign_in_group ENABLE ROW LEVEL SECURITY;
-- Read before anyone is signed in (finding what a provider user's groups give), like the other
-- identity tables; once a partnership is set, only its own rows.
CREATE POLICY partnership_only ON sign_in_group
  USING (lantern_partnership() IS NULL OR partnership_id = lantern_partnership())
  WITH CHECK (partnership_id = lantern_partnership());
GRANT SELECT, INSERT, UPDATE ON sign_in_group TO lantern_app;
