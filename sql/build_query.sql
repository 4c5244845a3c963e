-- build_query: the statement find would run, with its parameters (case C144),
-- and a check that running that statement by hand gives what find returns.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C144: build_query shows the statement find would run
SELECT q ? 'sql', q ? 'params', q -> 'params' @> '["member"]', position('member' IN q ->> 'sql') = 0
FROM ignis.build_query('User', '{"where": {"role": "member"}}') AS q;  -- → true, true, true, true
SELECT position('"deleted_at"' IN ignis.build_query('Category') ->> 'sql') > 0;  -- → true
SELECT position('"deleted_at"' IN ignis.build_query('Category', '{}', '{"shouldSkipDefaultFilter": true}') ->> 'sql') = 0;  -- → true
SELECT position('"password"' IN ignis.build_query('User') ->> 'sql') = 0;  -- → true
-- the same three checks without relying on how identifiers are quoted
SELECT position('deleted_at' IN ignis.build_query('Category') ->> 'sql') > 0;  -- → true
SELECT position('deleted_at' IN ignis.build_query('Category', '{}', '{"shouldSkipDefaultFilter": true}') ->> 'sql') = 0;  -- → true
SELECT position('password' IN ignis.build_query('User') ->> 'sql') = 0;  -- → true

-- run_built(q): executes q.sql with q.params bound, the way a caller would run
-- it by hand. Every parameter is passed as text ($n becomes the n-th element of
-- one text[] parameter) and converted by the statement's own cast ($n::type);
-- a JSON array bound to an array type becomes an array literal. The statement
-- is expected to produce find's data array: either one row holding the whole
-- array, or one row per element.
CREATE FUNCTION pg_temp.run_built(q jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  stmt   text := regexp_replace(q ->> 'sql', ';\s*$', '');
  params text[];
  res    jsonb;
BEGIN
  SELECT array_agg(
           CASE
             WHEN jsonb_typeof(e) = 'null' THEN NULL
             WHEN jsonb_typeof(e) = 'string' THEN e #>> '{}'
             WHEN jsonb_typeof(e) = 'array'
                  AND stmt ~ ('\$' || n || '::[A-Za-z0-9_."]+( with(out)? time zone)?\[\]')
               THEN (SELECT '{' || coalesce(string_agg(
                               CASE WHEN jsonb_typeof(x) = 'null' THEN 'NULL'
                                    ELSE '"' || replace(replace(x #>> '{}', '\', '\\'), '"', '\"') || '"' END,
                               ',' ORDER BY i), '') || '}'
                     FROM jsonb_array_elements(e) WITH ORDINALITY AS a(x, i))
             ELSE e::text
           END ORDER BY n)
    INTO params
    FROM jsonb_array_elements(q -> 'params') WITH ORDINALITY AS t(e, n);
  stmt := regexp_replace(stmt, '\$([0-9]+)', '($1)[\1]', 'g');
  EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(r)), ''[]'') FROM (%s) r', stmt)
    INTO res USING coalesce(params, '{}'::text[]);
  -- one row, one column holding an array: that array is the result
  IF jsonb_array_length(res) = 1 AND (SELECT count(*) FROM jsonb_object_keys(res -> 0)) = 1
     AND jsonb_typeof((SELECT v FROM jsonb_each(res -> 0) AS kv(k, v))) = 'array' THEN
    RETURN (SELECT v FROM jsonb_each(res -> 0) AS kv(k, v));
  END IF;
  -- one row per element, each a single column holding the row object
  IF jsonb_array_length(res) > 0 AND NOT EXISTS (
       SELECT 1 FROM jsonb_array_elements(res) AS r(o)
       WHERE (SELECT count(*) FROM jsonb_object_keys(o)) <> 1
          OR jsonb_typeof((SELECT v FROM jsonb_each(o) AS kv(k, v))) <> 'object') THEN
    RETURN (SELECT jsonb_agg((SELECT v FROM jsonb_each(o) AS kv(k, v)) ORDER BY i)
            FROM jsonb_array_elements(res) WITH ORDINALITY AS r(o, i));
  END IF;
  RETURN res;
END $$;

-- shape(q): the properties api.md §7 requires of every build_query result
CREATE FUNCTION pg_temp.shape(q jsonb) RETURNS TABLE (placeholders_numbered boolean, all_cast boolean,
                                                    params_match boolean, no_literal_values boolean,
                                                    no_literal_limit boolean, tables_qualified boolean)
LANGUAGE sql AS $$
  WITH ph AS (
    SELECT m[1]::int AS n, row_number() OVER () AS pos
    FROM regexp_matches(q ->> 'sql', '\$([0-9]+)', 'g') AS m
  ), firsts AS (
    SELECT n, min(pos) AS first_pos FROM ph GROUP BY n
  )
  SELECT
    -- $1 … $n, numbered in order of first appearance
    coalesce((SELECT array_agg(n ORDER BY first_pos) = array_agg(n ORDER BY n)
                     AND min(n) = 1 AND max(n) = count(*) FROM firsts), true),
    -- every placeholder carries an explicit cast
    NOT (q ->> 'sql' ~ '\$[0-9]+(?!::|[0-9])'),
    -- one parameter per placeholder
    (SELECT count(*) FROM firsts) = jsonb_array_length(q -> 'params'),
    -- no string parameter appears literally in the statement
    NOT EXISTS (SELECT 1 FROM jsonb_array_elements(q -> 'params') AS p(v)
                WHERE jsonb_typeof(v) = 'string' AND length(v #>> '{}') > 2
                  AND position(v #>> '{}' IN q ->> 'sql') > 0),
    -- limit and offset are parameters too
    NOT (q ->> 'sql' ~* '\m(LIMIT|OFFSET)\s+[0-9]'),
    -- tables appear schema-qualified and quoted
    q ->> 'sql' ~ '"?public"?\."?[a-z_]+"?'
$$;

-- Filter 1: where with implicit AND and a range, fields, order, explicit limit
SELECT * FROM pg_temp.shape(ignis.build_query('User',
  '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "email"], "order": ["age DESC"], "limit": 3}'));
SELECT ignis.find('User', '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "email"], "order": ["age DESC"], "limit": 3}');  -- → [{"id": 2, "email": "bob@example.com"}, {"id": 6, "email": "zoe@example.fr"}]
SELECT pg_temp.run_built(ignis.build_query('User',
         '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "email"], "order": ["age DESC"], "limit": 3}'))
     = ignis.find('User', '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "email"], "order": ["age DESC"], "limit": 3}') AS same_as_find;  -- → true

-- Filter 2: soft-delete default filter, JSON path in numeric mode, array
-- operator, pattern, in-list, skip
SELECT * FROM pg_temp.shape(ignis.build_query('Post',
  '{"where": {"or": [{"tags": {"overlaps": ["news", "tech"]}}, {"metadata.priority": {"gt": 2}}], "title": {"ilike": "%e%"}, "status": {"in": ["published", "draft"]}}, "fields": ["id", "title", "tags"], "skip": 1}'));
SELECT ignis.find('Post', '{"where": {"or": [{"tags": {"overlaps": ["news", "tech"]}}, {"metadata.priority": {"gt": 2}}], "title": {"ilike": "%e%"}, "status": {"in": ["published", "draft"]}}, "fields": ["id", "title", "tags"], "skip": 1}');  -- → [{"id": 2, "title": "Deep Dive", "tags": ["tech", "long-read"]}]
SELECT pg_temp.run_built(ignis.build_query('Post',
         '{"where": {"or": [{"tags": {"overlaps": ["news", "tech"]}}, {"metadata.priority": {"gt": 2}}], "title": {"ilike": "%e%"}, "status": {"in": ["published", "draft"]}}, "fields": ["id", "title", "tags"], "skip": 1}'))
     = ignis.find('Post', '{"where": {"or": [{"tags": {"overlaps": ["news", "tech"]}}, {"metadata.priority": {"gt": 2}}], "title": {"ilike": "%e%"}, "status": {"in": ["published", "draft"]}}, "fields": ["id", "title", "tags"], "skip": 1}') AS same_as_find;  -- → true

-- Filter 3: no fields (all visible properties), default order and default
-- limit, not, nin with a null element, default filter skipped
SELECT * FROM pg_temp.shape(ignis.build_query('Category',
  '{"where": {"not": {"name": "Tech"}, "id": {"nin": [7, null]}}}', '{"shouldSkipDefaultFilter": true}'));
SELECT ignis.find('Category', '{"where": {"not": {"name": "Tech"}, "id": {"nin": [7, null]}}}', '{"shouldSkipDefaultFilter": true}');  -- → [{"id": 1, "name": "News"}, {"id": 3, "name": "Old"}]
SELECT pg_temp.run_built(ignis.build_query('Category', '{"where": {"not": {"name": "Tech"}, "id": {"nin": [7, null]}}}', '{"shouldSkipDefaultFilter": true}'))
     = ignis.find('Category', '{"where": {"not": {"name": "Tech"}, "id": {"nin": [7, null]}}}', '{"shouldSkipDefaultFilter": true}') AS same_as_find;  -- → true

-- The default limit is part of the statement, as a parameter
SELECT ignis.build_query('User') -> 'params' @> '[10]' AS has_default_limit;  -- → true
SELECT pg_temp.run_built(ignis.build_query('User')) = ignis.find('User') AS same_as_find;  -- → true
SET ignis.default_limit = 2;
SELECT jsonb_array_length(pg_temp.run_built(ignis.build_query('User'))) AS rows;  -- → 2
RESET ignis.default_limit;

-- build_query validates exactly like find
SELECT err($q$SELECT ignis.build_query('User', '{"where": {"nickname": 1}}')$q$);   -- → error 42703, contains filter.where.nickname
SELECT err($q$SELECT ignis.build_query('User', '{}', '{"shouldReturn": true}')$q$);  -- → error 22023, contains options.shouldReturn
