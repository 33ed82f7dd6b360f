-- Person matching: stored model versions, practitioners' match decisions, indexes for candidate search.

CREATE TABLE match_model (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  version integer NOT NULL,
  params jsonb NOT NULL,
  trained_at timestamptz NOT NULL DEFAULT now(),
  trained_by uuid REFERENCES app_user(id),
  PRIMARY KEY (partnership_id, version)
);

-- What a practitioner decided about a suggested match: feeds review of the model.
CREATE TABLE match_decision (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES person(id),
  contact_id uuid REFERENCES contact(id),
  decision text NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
  probability double precision NOT NULL,
  model_version integer NOT NULL,
  evidence jsonb NOT NULL DEFAULT '{}',
  decided_by uuid NOT NULL REFERENCES app_user(id),
  decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_decision_person ON match_decision (person_id);

CREATE INDEX person_upn ON person (partnership_id, upn) WHERE upn IS NOT NULL;
CREATE INDEX person_police_ref ON person (partnership_id, police_ref) WHERE police_ref IS NOT NULL;
CREATE INDEX person_family_trgm ON person USING gin (lower(family_name) gin_trgm_ops);

GRANT SELECT, INSERT ON match_model, match_decision TO lantern_app;
