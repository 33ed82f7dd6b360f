-- Whether a person has a disability or special educational needs, as they or their family describe
-- it: asked for equality monitoring (thematic review 2.14) and to make the assessment's disability
-- questions meaningful. NULL: not asked yet; 'not_known': asked, not known.
ALTER TABLE person ADD COLUMN disability text CHECK (disability IN ('yes', 'no', 'not_known'));

-- Equality and practice monitoring join each contact to its decision's and assessment's clocks,
-- and count the work that fell due in each month.
CREATE INDEX work_item_contact ON work_item (contact_id, kind) WHERE contact_id IS NOT NULL;
CREATE INDEX work_item_assessment ON work_item (assessment_id, kind) WHERE assessment_id IS NOT NULL;
CREATE INDEX work_item_due ON work_item (partnership_id, kind, due_at);
CREATE INDEX assessment_contact ON assessment (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX assessment_submitted ON assessment (partnership_id, submitted_at) WHERE status = 'completed';
CREATE INDEX language_check_when ON language_check_event (partnership_id, occurred_at);
