-- title: keyset page deep in the largest table (after) vs the same page by skip
-- kind: strategy
-- target: 100
-- baseline: skip
-- verdict: keyset page deep in the largest table >= 100x the same page by skip
-- var: n NCOMMENTS/2 NCOMMENTS-20
--
-- The 20 comments after the n-th in id order, n somewhere in the second
-- half of the table (500,000 to 999,980 rows deep at scale 1).  Both sides
-- are ignis calls returning the same page (comment ids are 1..NCOMMENTS
-- while the read ops run, so the row after id n is the (n+1)-th): `after`
-- is one probe of the primary key index, `skip` walks the n rows before
-- the page.
-- @ignis
SELECT ignis.find('Comment', ('{"order": ["id ASC"], "limit": 20, "after": {"id": ' || :n || '}}')::jsonb) AS result;
-- @hand
SELECT ignis.find('Comment', ('{"order": ["id ASC"], "limit": 20, "skip": ' || :n || '}')::jsonb) AS result;
