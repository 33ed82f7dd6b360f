-- The platform (issue 10): scheduled jobs, single sign-on.

-- When the overdue sweep noticed that a piece of work ran out of time (it goes on the chronology once).
ALTER TABLE work_item ADD COLUMN overdue_noted_at timestamptz;
