-- limits: every size a caller controls is either linear in time and memory
-- (and stops for statement_timeout) or capped with a documented limit that
-- raises 54000 naming the place in the argument. Each position is tried with
-- an input of about 1 MB and with the shapes that used to be quadratic.
-- (Time and memory of the same inputs are measured by test/t/010_limits.pl.)
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- The limits a user may change, and their defaults (listed once the module
-- is loaded).
SELECT ignis.count('Post');  -- → {"count": 5}
SELECT name, setting FROM pg_settings
WHERE name IN ('ignis.max_json_path_length', 'ignis.max_where_conditions',
               'ignis.max_update_paths', 'ignis.max_where_depth')
ORDER BY name;

-- Error messages name the offending key, which may itself be 1 MB long:
-- only their beginning is shown here.
CREATE FUNCTION pg_temp.short_err(q text) RETURNS text LANGUAGE sql
  AS $$ SELECT left(public.err(q), 110) $$;

-- 1. JSON-path components (ignis.max_json_path_length, 1000): a path is
-- split once, and the split stops at the limit. 500,000 components (1 MB):
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('where', jsonb_build_object('metadata' || repeat('.a', 500000), 1))));          -- → 54000
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('where', jsonb_build_object('metadata', jsonb_build_object('jsonPath', '$' || repeat('.a', 500000), 'eq', 1))))); -- → 54000
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('order', 'metadata' || repeat('.a', 500000))));                                 -- → 54000
SELECT pg_temp.short_err(format('SELECT ignis.update_by_id(%L, %L, %L)', 'Post', '1',
  jsonb_build_object('metadata' || repeat('.a', 500000), 1)));                                       -- → 54000 (this one used to exhaust the server)
-- the error path shows such a key by its first 200 bytes
SELECT length(public.err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('where', jsonb_build_object('metadata' || repeat('.a', 500000), 1))))) AS message_length;  -- → 274 (not 1 MB)
-- at the limit, paths work everywhere (the update walks the document once)
SELECT ignis.find('Post', jsonb_build_object('where', jsonb_build_object('metadata' || repeat('.a', 1000), 1)));  -- → []
BEGIN;
SELECT ignis.update_by_id('Post', '1', jsonb_build_object('metadata' || repeat('.a', 1000), 1)) -> 'count' AS count;  -- → 1
SELECT (SELECT metadata FROM public.posts WHERE id = 1) #> array_fill('a'::text, ARRAY[1000]) AS deepest;  -- → 1
ROLLBACK;
-- the limit is the caller's choice
SET ignis.max_json_path_length = 2000;
SELECT ignis.find('Post', jsonb_build_object('where', jsonb_build_object('metadata' || repeat('.a', 1500), 1)));  -- → []
RESET ignis.max_json_path_length;

-- 2. Conditions per where (ignis.max_where_conditions, 1000, the model's
-- default filter included): PostgreSQL plans many conditions in superlinear
-- time without looking at statement_timeout, so a where is capped.
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post', jsonb_build_object('where',
  (SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 60000) i))));               -- → 54000 (1.5 MB of keys)
SELECT pg_temp.short_err(format('SELECT ignis.count(%L, %L)', 'Post',
  jsonb_build_object('or', (SELECT jsonb_agg(jsonb_build_object('id', i)) FROM generate_series(1, 100000) i)))); -- → 54000 (1.5 MB or-list)
SELECT pg_temp.short_err(format('SELECT ignis.count(%L, %L)', 'Post',
  (SELECT repeat('{"and": [', 900) || '{"or": [' || (SELECT string_agg('{"id": ' || i || '}', ',') FROM generate_series(1, 50000) i) || ']}' || repeat(']}', 900))::jsonb));  -- → 54000 (deep and wide)
-- many values of one property are one condition: an in-list
SELECT ignis.count('Post', jsonb_build_object('id', jsonb_build_object('in', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i))));  -- → {"count": 5}
-- {} is no condition, however many there are (an "or" with one is TRUE)
SELECT ignis.count('Post', jsonb_build_object('or', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 300000))));  -- → {"count": 5}
SELECT ignis.count('Post', jsonb_build_object('and', (SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 300000))));  -- → {"count": 5}
-- (Post's soft delete adds one condition: "deletedAt" is null)
SET ignis.max_where_conditions = 4;
SELECT ignis.count('Post', '{"id": {"gte": 1, "lte": 4}, "views": {"gte": 0}}');                    -- → {"count": 4}
SELECT err($q$SELECT ignis.count('Post', '{"id": {"gte": 1, "lte": 4}, "views": {"gte": 0}, "title": {"neq": "x"}}')$q$);  -- → 54000
RESET ignis.max_where_conditions;

-- 3. Keys per object: copying and merging look each key up by binary search,
-- and unknown keys fail at the first one. 100,000 keys (1.7 MB):
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post', jsonb_build_object('where',
  (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i))));                      -- → 42703 at the first key
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i)));                         -- → 22023
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L, %L)', 'Post', '{}',
  (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 100000) i)));                         -- → 22023
-- merged with a default filter (40,000 keys used to take 4 s here)
BEGIN;
SELECT ignis.register_model('LimitPost', 'public.posts', '{"defaultFilter": {"where": {"views": {"gte": 0}}}}') ->> 'name' AS model;
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'LimitPost', jsonb_build_object('where',
  (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 40000) i))));                       -- → 42703
SELECT pg_temp.short_err(format('SELECT ignis.find_by_id(%L, %L, %L)', 'LimitPost', '1',
  (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 40000) i)));                          -- → 22023 (checked, not copied)
ROLLBACK;

-- 4. Order items: at most 64.
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('order', rtrim(repeat('id,', 330000), ','))));                                  -- → 54000 (1 MB string)
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('order', (SELECT jsonb_agg('views'::text) FROM generate_series(1, 110000)))));  -- → 54000 at filter.order[64]
SELECT ignis.find('Post', jsonb_build_object('fields', '["id"]'::jsonb, 'order', rtrim(repeat('views DESC,', 63), ',') || ',id'));  -- → 64 items: answered

-- 5. Fields and include: one pass over the list.
SELECT ignis.find('Post', jsonb_build_object('fields', (SELECT jsonb_agg('id'::text) FROM generate_series(1, 110000))));  -- → [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}]
SELECT pg_temp.short_err(format('SELECT ignis.find(%L, %L)', 'Post',
  jsonb_build_object('include', (SELECT jsonb_agg('author'::text) FROM generate_series(1, 110000)))));  -- → 22023 at include[1]

-- 6. Lists and arrays: one parameter, linear conversion (about 1 MB each).
SELECT ignis.count('Post', jsonb_build_object('metadata.priority', jsonb_build_object('gte', 0, 'in', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i))));  -- → {"count": 2} (3 and 5)
SELECT ignis.count('Post', jsonb_build_object('tags', jsonb_build_object('contains', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 120000) i))));  -- → {"count": 0}
SELECT ignis.count('Post', jsonb_build_object('tags', jsonb_build_object('overlaps', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 120000) i) || '["news"]')));  -- → {"count": 2}
SELECT ignis.count('Post', jsonb_build_object('metadata.ratings', jsonb_build_object('overlaps', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i))));  -- → {"count": 2}
SELECT ignis.count('Post', jsonb_build_object('tags', (SELECT jsonb_agg('t' || i) FROM generate_series(1, 120000) i)));  -- → {"count": 0}

-- 7. Update data: JSON-path keys per property (ignis.max_update_paths, 100);
-- each is one nested ignis._set_path call of the statement.
SELECT pg_temp.short_err(format('SELECT ignis.update_by_id(%L, %L, %L)', 'Post', '1',
  (SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 60000) i)));                -- → 54000 at data["metadata.k..."]
BEGIN;
SELECT ignis.update_by_id('Post', '1', (SELECT jsonb_object_agg('metadata.k' || i, i) FROM generate_series(1, 100) i)) -> 'data' -> 'metadata' -> 'k100' AS k100;  -- → 100
ROLLBACK;

-- 8. create_all: rows of one key set travel as one array per column; rows of
-- differing key sets as one parameter per value (memory linear in the data).
BEGIN;
SELECT ignis.create_all('Post', (SELECT jsonb_agg(jsonb_build_object('title', 't' || i)) FROM generate_series(1, 20000) i), '{"shouldReturn": false}');  -- → {"count": 20000, "data": null}
SELECT ignis.create_all('Post', (SELECT jsonb_agg(CASE WHEN i % 2 = 0 THEN jsonb_build_object('title', 't' || i) ELSE jsonb_build_object('title', 't' || i, 'views', i) END) FROM generate_series(1, 10000) i), '{"shouldReturn": false}');  -- → {"count": 10000, "data": null}
SELECT count(*) FILTER (WHERE views = 0) AS defaulted, count(*) FILTER (WHERE views > 0) AS given FROM public.posts WHERE id > 6;  -- → 25000 | 5000
ROLLBACK;

-- 9. The slow-but-linear ones stop for statement_timeout (the inputs are
-- built first, so that the time runs out inside ignis; the timeout is short
-- enough that no machine finishes first).
CREATE TEMP TABLE big_input AS
  SELECT jsonb_build_object('id', jsonb_build_object('in', (SELECT jsonb_agg(i) FROM generate_series(1, 300000) i))) AS in_list,
         jsonb_build_object('metadata.ratings', jsonb_build_object('overlaps', (SELECT jsonb_agg(i) FROM generate_series(1, 300000) i))) AS overlap_list;
SET statement_timeout = '1ms';
SELECT ignis.count('Post', in_list) FROM big_input;       -- → canceled
SELECT ignis.count('Post', overlap_list) FROM big_input;  -- → canceled
RESET statement_timeout;
DROP TABLE big_input;

-- the fixture is unchanged
SELECT count(*) FROM public.posts;  -- → 6
