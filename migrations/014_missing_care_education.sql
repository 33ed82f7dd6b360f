-- Missing episodes and return home interviews, placements and education (issue 11): records on a
-- child's chronology that move the risk picture. Each table is partnership-owned, under row
-- security like the rest, and the service's role may read and add rows but never delete them.

-- Where a looked-after child has lived. One current placement per child; a move ends the current
-- one on the day the next starts (the reason for the move is kept on the placement moved to).
CREATE TABLE placement (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  kind text NOT NULL CHECK (kind IN ('foster', 'kinship', 'childrens_home', 'semi_independent', 'secure', 'other')),
  provider text NOT NULL,
  local_authority text NOT NULL,
  out_of_area boolean NOT NULL,
  started_on date NOT NULL,
  ended_on date,
  move_reason text,
  end_reason text,
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX placement_current ON placement (person_id) WHERE ended_on IS NULL;
CREATE INDEX placement_person ON placement (person_id, started_on DESC);
CREATE INDEX placement_period ON placement (partnership_id, started_on, ended_on);

-- A child reported missing, from the report to the return. At most one open episode per child.
CREATE TABLE missing_episode (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  reported_at timestamptz NOT NULL,
  reported_by text NOT NULL CHECK (reported_by IN ('police', 'carer', 'residential_provider', 'school', 'parent', 'other')),
  last_seen_at timestamptz NOT NULL,
  last_seen_place text,
  missing_from text NOT NULL CHECK (missing_from IN ('home', 'placement', 'school', 'other')),
  placement_id uuid REFERENCES placement(id),
  circumstances text,
  clothing text,
  risk_grading text NOT NULL CHECK (risk_grading IN ('no_apparent_risk', 'low', 'medium', 'high')),
  returned_at timestamptz,
  found_place text,
  found_postcode text,
  found_by text CHECK (found_by IN ('police', 'carer', 'residential_provider', 'parent', 'returned_themselves', 'other')),
  found_with text,
  police_reference text,
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  idempotency_key text,
  idempotency_body_hash text,
  version integer NOT NULL DEFAULT 1,
  CHECK (last_seen_at <= reported_at + interval '1 hour'),
  CHECK (returned_at IS NULL OR returned_at >= last_seen_at),
  CHECK (missing_from <> 'placement' OR placement_id IS NOT NULL)
);
CREATE UNIQUE INDEX missing_episode_open ON missing_episode (person_id) WHERE returned_at IS NULL;
CREATE UNIQUE INDEX missing_episode_idempotency ON missing_episode (partnership_id, created_by, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX missing_episode_person ON missing_episode (person_id, last_seen_at DESC);
CREATE INDEX missing_episode_period ON missing_episode (partnership_id, last_seen_at) INCLUDE (person_id, returned_at);
CREATE INDEX missing_episode_returns ON missing_episode (partnership_id, returned_at) INCLUDE (id)
  WHERE returned_at IS NOT NULL;

-- The police risk grading and each change to it (the episode holds the current one).
CREATE TABLE missing_grading (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  episode_id uuid NOT NULL REFERENCES missing_episode(id),
  risk_grading text NOT NULL CHECK (risk_grading IN ('no_apparent_risk', 'low', 'medium', 'high')),
  graded_at timestamptz NOT NULL,
  graded_by uuid REFERENCES app_user(id),
  reason text
);
CREATE INDEX missing_grading_episode ON missing_grading (episode_id, graded_at);

-- The return home interview offered after an episode, by someone independent of the carer.
CREATE TABLE return_interview (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  episode_id uuid NOT NULL UNIQUE REFERENCES missing_episode(id),
  person_id uuid NOT NULL REFERENCES person(id),
  offered_at timestamptz NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'declined', 'not_contacted')),
  interviewer_name text NOT NULL,
  interviewer_role text NOT NULL,
  independent_of_carer boolean NOT NULL CHECK (independent_of_carer),
  held_at timestamptz,
  where_they_were text,
  who_with text,
  push_factors text,
  pull_factors text,
  indicators text[] NOT NULL DEFAULT '{}',
  notes text,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (outcome <> 'accepted' OR held_at IS NOT NULL)
);
CREATE INDEX return_interview_person ON return_interview (person_id);

-- What happens in a child's education: school and year, concerns, suspensions, exclusions,
-- part-time timetables, alternative provision, children missing education and home education.
CREATE TABLE education_event (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  kind text NOT NULL CHECK (kind IN ('school_place', 'attendance_concern', 'suspension', 'permanent_exclusion',
    'part_time_timetable', 'alternative_provision', 'missing_education', 'home_education')),
  started_on date NOT NULL,
  ended_on date,
  school text,
  year_group integer CHECK (year_group BETWEEN -1 AND 14),
  days integer CHECK (days BETWEEN 1 AND 200),
  reason text,
  -- Children missing education: where the child was found to be, and when that was established.
  whereabouts text CHECK (whereabouts IN ('found_in_school', 'moved_out_of_district', 'not_found')),
  whereabouts_on date,
  recorded_by uuid REFERENCES app_user(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_on IS NULL OR ended_on >= started_on),
  CHECK (whereabouts_on IS NULL OR whereabouts_on >= started_on),
  CHECK (kind = 'missing_education' OR whereabouts IS NULL)
);
CREATE INDEX education_event_person ON education_event (person_id, started_on DESC);
CREATE INDEX education_event_kind ON education_event (partnership_id, kind, started_on);

-- New work on the clock: return home interviews (72 hours from the return) and the Front Door's
-- "consider an exploitation assessment" (repeat episodes, an indicator seen at interview).
ALTER TABLE work_item DROP CONSTRAINT work_item_kind_check;
ALTER TABLE work_item ADD CONSTRAINT work_item_kind_check CHECK (kind IN ('front_door_decision', 'assessment',
  'flag_review', 'allegation_strategy', 'risk_review', 'signoff', 'return_interview', 'consider_assessment'));
ALTER TABLE clock_rule DROP CONSTRAINT clock_rule_kind_check;
ALTER TABLE clock_rule ADD CONSTRAINT clock_rule_kind_check CHECK (kind IN ('front_door_decision', 'assessment',
  'flag_review', 'allegation_strategy', 'risk_review', 'signoff', 'return_interview', 'consider_assessment'));
ALTER TABLE work_item ADD COLUMN missing_episode_id uuid REFERENCES missing_episode(id);
CREATE INDEX work_item_missing_episode ON work_item (missing_episode_id) WHERE missing_episode_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['placement', 'missing_episode', 'missing_grading', 'return_interview', 'education_event']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY partnership_only ON %I USING (partnership_id = (SELECT lantern_partnership())) WITH CHECK (partnership_id = (SELECT lantern_partnership()))', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON placement, missing_episode, return_interview, education_event TO lantern_app;
GRANT SELECT, INSERT ON missing_grading TO lantern_app;
