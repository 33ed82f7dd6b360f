-- The "needs attention" banner is on every page of those who work the queues. It counted every
-- open work item of the partnership to find the few that are overdue or are risk reviews or
-- return interviews (about 1 ms a page with 8,000 open items, and growing with them). Each count
-- now reads only the items it counts: overdue ones from work_item_open (by due time), the two
-- kinds from this index.
CREATE INDEX work_item_open_kind ON work_item (partnership_id, kind) WHERE completed_at IS NULL;
