-- Agency records, imports, clerical review and merging people without destroying anything.

-- A merged person keeps its row, its agency records, contacts, flags and chronology; it points at
-- the person it was merged into, and every read of a person gathers the whole group. Unmerging
-- clears the pointer, so what was there comes back exactly.
ALTER TABLE person ADD COLUMN merged_into uuid REFERENCES person(id);
CREATE INDEX person_merged_into ON person (merged_into) WHERE merged_into IS NOT NULL;

-- A person and everyone merged into them (merges are kept one level deep).
CREATE FUNCTION person_group(root uuid) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
  SELECT root UNION ALL SELECT id FROM person WHERE merged_into = root
$$;

-- One load of an agency's extract.
CREATE TABLE record_import (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agency(id),
  source_name text NOT NULL,
  model_version integer NOT NULL,
  auto_threshold double precision NOT NULL,
  review_threshold double precision NOT NULL,
  rows_read integer NOT NULL DEFAULT 0,
  linked integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  for_review integer NOT NULL DEFAULT 0,
  refused integer NOT NULL DEFAULT 0,
  imported_by uuid REFERENCES app_user(id),
  imported_at timestamptz NOT NULL DEFAULT now()
);

-- What one agency holds about a person, as the agency holds it: kept whatever happens to the person.
CREATE TABLE agency_record (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agency(id),
  source_ref text NOT NULL,
  person_id uuid NOT NULL REFERENCES person(id),
  fields jsonb NOT NULL,
  linked_how text NOT NULL CHECK (linked_how IN ('matched', 'new_person')),
  link_probability double precision,
  import_id uuid REFERENCES record_import(id),
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (partnership_id, agency_id, source_ref)
);
CREATE INDEX agency_record_person ON agency_record (person_id);

-- Pairs of people who may be one person, waiting for a practitioner (clerical review).
CREATE TABLE match_review (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  person_a uuid NOT NULL REFERENCES person(id),
  person_b uuid NOT NULL REFERENCES person(id),
  probability double precision NOT NULL,
  model_version integer NOT NULL,
  import_id uuid REFERENCES record_import(id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected', 'not_sure')),
  note text,
  decided_by uuid REFERENCES app_user(id),
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (person_a < person_b)
);
CREATE UNIQUE INDEX match_review_pair ON match_review (partnership_id, person_a, person_b);
CREATE INDEX match_review_open ON match_review (partnership_id, probability DESC) WHERE status IN ('open', 'not_sure');

-- Each merge, with the pointers it changed, so an unmerge restores exactly those.
CREATE TABLE person_merge (
  partnership_id uuid NOT NULL REFERENCES partnership(id),
  id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  survivor_id uuid NOT NULL REFERENCES person(id),
  absorbed_id uuid NOT NULL REFERENCES person(id),
  -- [{"personId": ..., "before": <merged_into before the merge or null>}]
  repointed jsonb NOT NULL,
  reason text NOT NULL,
  review_id uuid REFERENCES match_review(id),
  merged_by uuid REFERENCES app_user(id),
  merged_at timestamptz NOT NULL DEFAULT now(),
  unmerged_by uuid REFERENCES app_user(id),
  unmerged_at timestamptz,
  unmerge_reason text
);
CREATE INDEX person_merge_people ON person_merge (survivor_id);
CREATE INDEX person_merge_absorbed ON person_merge (absorbed_id);

GRANT SELECT, INSERT, UPDATE ON record_import, agency_record, match_review, person_merge TO lantern_app;
