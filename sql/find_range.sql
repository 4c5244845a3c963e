-- find_range: range metadata with shouldQueryRange (cases C078-C081).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C078: a middle page
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}', '{"shouldQueryRange": true}');  -- → {"data": [{"id": 3}, {"id": 4}], "range": {"start": 2, "end": 3, "total": 6}}

-- C079: a page past the end (end = start when the page is empty)
SELECT ignis.find('User', '{"fields": ["id"], "limit": 5, "skip": 10}', '{"shouldQueryRange": true}');  -- → {"data": [], "range": {"start": 10, "end": 10, "total": 6}}

-- C080: nothing matches
SELECT ignis.find('User', '{"where": {"role": "nobody"}}', '{"shouldQueryRange": true}');  -- → {"data": [], "range": {"start": 0, "end": 0, "total": 0}}

-- C081: total follows the where and the default filter; the offset alias gives start
SELECT ignis.find('User', '{"where": {"role": "member"}, "fields": ["id"], "offset": 1, "limit": 2}', '{"shouldQueryRange": true}');  -- → {"data": [{"id": 3}, {"id": 5}], "range": {"start": 1, "end": 2, "total": 4}}
SELECT ignis.find('Post', '{"fields": ["id"], "limit": 2}', '{"shouldQueryRange": true}');  -- → {"data": [{"id": 1}, {"id": 2}], "range": {"start": 0, "end": 1, "total": 5}}
SELECT ignis.find('Post', '{"fields": ["id"], "limit": 2}', '{"shouldQueryRange": true, "shouldSkipDefaultFilter": true}');  -- → {"data": [{"id": 1}, {"id": 2}], "range": {"start": 0, "end": 1, "total": 6}}
