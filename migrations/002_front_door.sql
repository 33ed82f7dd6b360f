-- Front Door: contacts, decisions, exploitation assessments, flags, the case clock, language checks.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SEQUENCE contact_number;

CREATE TABLE contact (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  reference text NOT NULL UNIQUE DEFAULT 'C' || to_char(now(), 'YY') || '-' || lpad(nextval('contact_number')::text, 6, '0'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
  source_kind text NOT NULL CHECK (source_kind IN ('agency', 'public', 'business')),
  source_agency_id uuid REFERENCES agency(id),
  source_name text,
  source_contact_details text,
  anonymous boolean NOT NULL DEFAULT false,
  occurred_on date,
  occurred_time text,
  location text,
  categories text[] NOT NULL DEFAULT '{}',
  narrative text NOT NULL DEFAULT '',
  received_at timestamptz,
  idempotency_key text,
  created_by uuid REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX contact_idempotency ON contact (partnership_id, created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX contact_status ON contact (partnership_id, status, received_at DESC);

CREATE TABLE contact_person (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  contact_id uuid NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES person(id),
  part text NOT NULL CHECK (part IN ('subject', 'peer', 'adult_of_concern', 'parent_carer', 'witness')),
  PRIMARY KEY (contact_id, person_id)
);
CREATE INDEX contact_person_person ON contact_person (person_id);

CREATE TABLE contact_place (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  contact_id uuid NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  description text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('home', 'address', 'park_or_open_space', 'school', 'shop_or_takeaway', 'hotel',
    'transport', 'vehicle', 'online', 'other')),
  postcode text
);
CREATE INDEX contact_place_contact ON contact_place (contact_id);

CREATE TABLE front_door_decision (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  contact_id uuid NOT NULL UNIQUE REFERENCES contact(id),
  outcome text NOT NULL CHECK (outcome IN ('no_further_action', 'early_help', 'exploitation_assessment',
    'strategy_discussion', 'refer_other_area')),
  urgency text NOT NULL CHECK (urgency IN ('immediate', 'within_24_hours', 'within_72_hours', 'routine')),
  rationale text NOT NULL,
  decided_by uuid NOT NULL REFERENCES app_user(id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  signoff_status text NOT NULL DEFAULT 'not_needed' CHECK (signoff_status IN ('not_needed', 'pending', 'approved', 'declined')),
  signoff_by uuid REFERENCES app_user(id),
  signoff_at timestamptz,
  signoff_note text
);

CREATE TABLE assessment (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  contact_id uuid REFERENCES contact(id),
  status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'awaiting_approval', 'completed')),
  rules_version text NOT NULL,
  answers jsonb NOT NULL DEFAULT '{}',
  flag_types text[] NOT NULL DEFAULT '{}',
  analysis text NOT NULL DEFAULT '',
  score integer,
  scored_level text CHECK (scored_level IN ('none', 'emerging', 'moderate', 'significant')),
  override_level text CHECK (override_level IN ('none', 'emerging', 'moderate', 'significant')),
  override_reason text,
  final_level text CHECK (final_level IN ('none', 'emerging', 'moderate', 'significant')),
  specialist_referral text CHECK (specialist_referral IN ('made', 'not_made')),
  specialist_referral_note text,
  started_by uuid REFERENCES app_user(id),
  started_at timestamptz NOT NULL DEFAULT now(),
  submitted_by uuid REFERENCES app_user(id),
  submitted_at timestamptz,
  approved_by uuid REFERENCES app_user(id),
  approved_at timestamptz,
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX assessment_person ON assessment (person_id, started_at DESC);
CREATE INDEX assessment_status ON assessment (partnership_id, status);

-- Exploitation flags as periods: one row per (type, level) from when it held to when it stopped.
-- "Who was flagged at what level in month M" is one range-overlap query on the GiST index.
CREATE TABLE flag_period (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  flag_type text NOT NULL CHECK (flag_type IN ('cse', 'cce', 'county_lines', 'missing_linked', 'trafficking',
    'cuckooing', 'online', 'hsb')),
  risk_level text NOT NULL CHECK (risk_level IN ('emerging', 'moderate', 'significant')),
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  period tstzrange GENERATED ALWAYS AS (tstzrange(valid_from, valid_to, '[)')) STORED,
  set_by uuid REFERENCES app_user(id),
  set_reason text NOT NULL,
  assessment_id uuid REFERENCES assessment(id),
  ended_by uuid REFERENCES app_user(id),
  end_reason text,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX flag_period_overlap ON flag_period USING gist (partnership_id, period);
CREATE INDEX flag_period_person ON flag_period (person_id, valid_from DESC);
-- At most one current period per person and type.
CREATE UNIQUE INDEX flag_period_current ON flag_period (person_id, flag_type) WHERE valid_to IS NULL;

-- How long each step may take, per partnership (configurable; defaults seeded).
CREATE TABLE clock_rule (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  kind text NOT NULL CHECK (kind IN ('front_door_decision', 'assessment', 'flag_review', 'allegation_strategy',
    'risk_review', 'signoff')),
  amount integer NOT NULL CHECK (amount > 0),
  unit text NOT NULL CHECK (unit IN ('hours', 'working_days', 'days', 'months')),
  PRIMARY KEY (partnership_id, kind)
);

-- The case clock: every piece of work with a due time, open until done.
CREATE TABLE work_item (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('front_door_decision', 'assessment', 'flag_review', 'allegation_strategy',
    'risk_review', 'signoff')),
  title text NOT NULL,
  reason text,
  person_id uuid REFERENCES person(id),
  contact_id uuid REFERENCES contact(id),
  assessment_id uuid REFERENCES assessment(id),
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  completed_by uuid REFERENCES app_user(id),
  completion_note text
);
CREATE INDEX work_item_open ON work_item (partnership_id, due_at) WHERE completed_at IS NULL;
CREATE INDEX work_item_person ON work_item (person_id) WHERE person_id IS NOT NULL;

-- Language check results at save time, for practice monitoring (counts; the text itself stays in its record).
CREATE TABLE language_check_event (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  phrase_id text NOT NULL,
  record_kind text NOT NULL,
  record_id uuid NOT NULL,
  field text NOT NULL,
  user_id uuid REFERENCES app_user(id),
  agency_id uuid REFERENCES agency(id),
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX language_check_phrase ON language_check_event (partnership_id, phrase_id, occurred_at);

-- Default clock rules for partnerships that already exist (new ones get them when seeded).
INSERT INTO clock_rule (partnership_id, kind, amount, unit)
SELECT p.id, r.kind, r.amount, r.unit FROM partnership p
CROSS JOIN (VALUES ('front_door_decision', 24, 'hours'), ('assessment', 10, 'working_days'),
  ('flag_review', 3, 'months'), ('allegation_strategy', 45, 'days'), ('risk_review', 1, 'working_days'),
  ('signoff', 1, 'working_days')) AS r(kind, amount, unit);

GRANT SELECT, INSERT, UPDATE, DELETE ON contact, contact_person, contact_place, front_door_decision, assessment,
  flag_period, clock_rule, work_item TO lantern_app;
GRANT SELECT, INSERT ON language_check_event TO lantern_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO lantern_app;
