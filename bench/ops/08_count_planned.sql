-- title: count with countStrategy "planned" vs "exact" on the largest table
-- kind: strategy
-- target: 100
-- baseline: exact
-- verdict: countStrategy planned >= 100x exact (largest table)
-- compare: none
-- requires: SELECT ignis.count('Comment', '{}', '{"countStrategy": "planned"}')
--
-- Placeholder until options.countStrategy exists (skipped while the probe
-- above fails).  Both sides are ignis calls: the planner's row estimate
-- against an exact count(*) of every comment; the target is a ratio >= 100.
-- @ignis
SELECT ignis.count('Comment', '{}', '{"countStrategy": "planned"}') AS result;
-- @hand
SELECT ignis.count('Comment', '{}', '{"countStrategy": "exact"}') AS result;
