-- The name the user gives a machine (an inventory's name for it), kept with
-- each snapshot, so machines that look alike stay apart in a fleet's
-- report.
ALTER TABLE machine_snapshots ADD COLUMN label TEXT NOT NULL DEFAULT '';
