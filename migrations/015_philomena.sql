-- The Philomena Protocol (issue 11): a trigger plan for every child in residential care, agreed by
-- the social worker, the provider and the police, reviewed on a schedule, with an optional
-- photograph kept apart and shown only to roles that may see it.
CREATE TABLE philomena_plan (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  placement_id uuid REFERENCES placement(id),
  physical_description text NOT NULL,
  associates uuid[] NOT NULL DEFAULT '{}',
  associates_note text,
  places text,
  phones text,
  social_media text,
  health_needs text,
  triggers text,
  first_actions text NOT NULL,
  review_due date NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app_user(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One plan per child, kept current: a change makes a new version that needs agreeing again.
CREATE UNIQUE INDEX philomena_plan_person ON philomena_plan (person_id);

-- Who agreed which version of the plan, for which of the three parties, and when.
CREATE TABLE philomena_agreement (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  plan_id uuid NOT NULL REFERENCES philomena_plan(id),
  plan_version integer NOT NULL,
  party text NOT NULL CHECK (party IN ('social_worker', 'provider', 'police')),
  agreed_by_name text NOT NULL,
  recorded_by uuid REFERENCES app_user(id),
  agreed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, plan_version, party)
);

CREATE TABLE philomena_photo (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  plan_id uuid NOT NULL PRIMARY KEY REFERENCES philomena_plan(id),
  format text NOT NULL CHECK (format IN ('jpeg', 'png')),
  content bytea NOT NULL CHECK (octet_length(content) <= 2097152),
  uploaded_by uuid REFERENCES app_user(id),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE work_item DROP CONSTRAINT work_item_kind_check;
ALTER TABLE work_item ADD CONSTRAINT work_item_kind_check CHECK (kind IN ('front_door_decision', 'assessment',
  'flag_review', 'allegation_strategy', 'risk_review', 'signoff', 'return_interview', 'consider_assessment',
  'philomena_plan'));
ALTER TABLE clock_rule DROP CONSTRAINT clock_rule_kind_check;
ALTER TABLE clock_rule ADD CONSTRAINT clock_rule_kind_check CHECK (kind IN ('front_door_decision', 'assessment',
  'flag_review', 'allegation_strategy', 'risk_review', 'signoff', 'return_interview', 'consider_assessment',
  'philomena_plan'));

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['philomena_plan', 'philomena_agreement', 'philomena_photo']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY partnership_only ON %I USING (partnership_id = (SELECT lantern_partnership())) WITH CHECK (partnership_id = (SELECT lantern_partnership()))', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON philomena_plan, philomena_photo TO lantern_app;
GRANT SELECT, INSERT ON philomena_agreement TO lantern_app;
