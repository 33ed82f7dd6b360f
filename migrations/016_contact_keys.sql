-- Agency records hold phone numbers and email addresses (issue 13): kept normalised beside the
-- record as the agency gave it, so "already known?" can find a person by either.
ALTER TABLE agency_record
  ADD COLUMN phone_key text CHECK (phone_key ~ '^0[0-9]{6,}$'),
  ADD COLUMN email_key text CHECK (email_key = lower(email_key) AND length(email_key) <= 254);
CREATE INDEX agency_record_phone_key ON agency_record (partnership_id, phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX agency_record_email_key ON agency_record (partnership_id, email_key) WHERE email_key IS NOT NULL;
