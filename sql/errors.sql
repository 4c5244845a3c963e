-- errors: malformed input (cases C044-C050) and robustness against hostile or
-- extreme filters. Every rejected filter must raise a clean error with a
-- SQLSTATE and the path of the offending element; nothing may crash.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- A few errors shown the way psql prints them (message and hint):
-- C044: unknown property
SELECT ignis.find('User', '{"where": {"nickname": "al"}}');  -- → error 42703, contains filter.where.nickname
-- C046: unknown operator, nested path in the message
SELECT ignis.find('User', '{"where": {"or": [{"id": 1}, {"age": {"gtt": 5}}]}}');  -- → error 22023, contains filter.where.or[1].age.gtt

-- C044: unknown property
SELECT err($q$SELECT ignis.find('User', '{"where": {"nickname": "al"}}')$q$);  -- → error 42703, contains filter.where.nickname

-- C045: column name instead of property name
SELECT err($q$SELECT ignis.find('User', '{"where": {"display_name": "Bob"}}')$q$);  -- → error 42703, contains filter.where.display_name

-- C046: unknown operator, nested path in the message
SELECT err($q$SELECT ignis.find('User', '{"where": {"or": [{"id": 1}, {"age": {"gtt": 5}}]}}')$q$);  -- → error 22023, contains filter.where.or[1].age.gtt

-- C047: operator object mixed with a non-operator key; wrong case; empty operator object
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"gt": 1, "foo": 2}}}')$q$);  -- → error 22023, contains filter.where.age.foo
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"GT": 30}}}')$q$);           -- → error 22023, contains filter.where.age.GT
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {}}}')$q$);                   -- → error 22023

-- C048: reserved operators
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"exists": true}}}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"not": 27}}}')$q$);       -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"or": [1]}}}')$q$);       -- → error 22023

-- C049: hidden properties can be filtered on (the result has no password key)
SELECT ignis.find('User', '{"where": {"password": "pw2"}}');  -- → [U2]

-- C050: values are bound, never spliced
SELECT ignis.find('User', $j${"where": {"email": "x' OR '1'='1"}}$j$);  -- → []
SELECT ignis.count('User');                                             -- → {"count": 6}

-- Filters that are not JSON objects
SELECT err($q$SELECT ignis.find('User', '[1]')$q$);  -- → error 22023, contains filter
SELECT err($q$SELECT ignis.find('User', '"x"')$q$);  -- → error 22023, contains filter
SELECT err($q$SELECT ignis.find('User', '5')$q$);    -- → error 22023, contains filter
SELECT err($q$SELECT ignis.count('User', '[1]')$q$); -- → error 22023, contains conditions

-- Unknown top-level filter key
SELECT err($q$SELECT ignis.find('User', '{"wher": {"id": 1}}')$q$);  -- → error 22023, contains filter.wher

-- Unknown property, also inside groups and under conditions
SELECT err($q$SELECT ignis.find('User', '{"where": {"and": [{"id": 1}, {"nickname": "x"}]}}')$q$);  -- → error 42703, contains filter.where.and[1].nickname
SELECT err($q$SELECT ignis.count('User', '{"not": {"nickname": "x"}}')$q$);                        -- → error 42703, contains conditions.not.nickname

-- Unknown operator: the hint suggests the closest operator
SELECT ignis.find('User', '{"where": {"age": {"gtt": 5}}}');                        -- → error 22023, hint names "gt"
SELECT err_hint($q$SELECT ignis.find('User', '{"where": {"age": {"gtt": 5}}}')$q$);  -- → error 22023, contains filter.where.age.gtt
SELECT err_hint($q$SELECT ignis.count('User', '{"email": {"likee": "x"}}')$q$);      -- → error 22023, contains conditions.email.likee
SELECT err_hint($q$SELECT ignis.count('User', '{"age": {"betwen": [1, 2]}}')$q$);    -- → error 22023, contains conditions.age.betwen

-- Operands of the wrong JSON type
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"gt": [1]}}}')$q$);        -- → error 22023, contains filter.where.age.gt
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"gt": {"a": 1}}}}')$q$);   -- → error 22023, contains filter.where.age.gt
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"in": [{"a": 1}]}}}')$q$);  -- → error 22023, contains filter.where.age.in
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"in": [[1]]}}}')$q$);      -- → error 22023, contains filter.where.age.in
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"eq": [1]}}}')$q$);        -- → error 22023, contains filter.where.age.eq
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": {"between": [1, "9"]}}}')$q$);  -- → error 22023 (D43)
SELECT err($q$SELECT ignis.find('User', '{"where": {"age": 1.5}}')$q$);                -- → error 22P02 (no rounding, D42)
SELECT err($q$SELECT ignis.find('User', '{"where": {"or": [{}, {"age": "abc"}]}}')$q$);  -- → error 22P02 (validated before simplification, D41)

-- Deep nesting: 10,000 levels of and / or / not (objects stand for one-element
-- lists; an array at every level cannot even be built as jsonb at this depth
-- with the default max_stack_depth). The call must either answer correctly or
-- fail cleanly with 54001 statement_too_complex / 22023; never crash the server.
CREATE TEMP TABLE deep (name text, filter jsonb);
INSERT INTO deep VALUES
  ('and x10000',     (repeat('{"and": ', 10000) || '{"id": 1}' || repeat('}', 10000))::jsonb),
  ('or x10000',      (repeat('{"or": ', 10000) || '{"id": 1}' || repeat('}', 10000))::jsonb),
  ('not x10000',     (repeat('{"not": ', 10000) || '{"id": 1}' || repeat('}', 10000))::jsonb),
  ('and/or x5000',   (repeat('{"and": {"or": ', 5000) || '{"id": 1}' || repeat('}}', 5000))::jsonb),
  ('and[] x5000',    (repeat('{"and": [', 5000) || '{"id": 1}' || repeat(']}', 5000))::jsonb),
  ('or[] x3000',     (repeat('{"or": [{"id": 2}, ', 3000) || '{"id": 1}' || repeat(']}', 3000))::jsonb);
SELECT name,
       CASE WHEN s IN ('54001', '22023') THEN 'clean error'
            WHEN s = '00000' THEN 'answered'
            ELSE 'unexpected ' || s END AS outcome,
       s IN ('54001', '22023', '00000') AS ok
FROM deep, LATERAL (SELECT err_state(format('SELECT ignis.count(%L, %L::jsonb)', 'User', filter))) e(s)
ORDER BY name;
-- when a deep filter is answered, the answer is right (10,000 x not of id = 1 is id = 1 again)
SELECT name,
       CASE e.s WHEN '00000' THEN (ignis.count('User', filter) ->> 'count')
                ELSE 'clean error' END AS result
FROM deep, LATERAL (SELECT err_state(format('SELECT ignis.count(%L, %L::jsonb)', 'User', filter))) e(s)
WHERE name IN ('and x10000', 'not x10000')
ORDER BY name;
-- the same through find (the where is nested under "where")
SELECT err_state(format('SELECT ignis.find(%L, %L::jsonb)', 'User', jsonb_build_object('where', filter))) IN ('00000', '54001', '22023') AS ok
FROM deep WHERE name = 'and x10000';
-- the backend is still alive
SELECT ignis.count('User');  -- → {"count": 6}
-- moderately deep filters (500 levels) are answered correctly
SELECT ignis.count('User', (repeat('{"and": [', 500) || '{"id": 1}' || repeat(']}', 500))::jsonb);            -- → {"count": 1}
SELECT ignis.count('User', (repeat('{"or": [{"id": 2}, ', 500) || '{"id": 1}' || repeat(']}', 500))::jsonb);  -- → {"count": 2}
SELECT ignis.count('User', (repeat('{"not": ', 501) || '{"id": 1}' || repeat('}', 501))::jsonb);               -- → {"count": 5}

-- A list of 100,000 values works (bound as one array parameter)
SELECT jsonb_array_length(ignis.find('User', jsonb_build_object('where', jsonb_build_object('id', jsonb_build_object('in', (SELECT jsonb_agg(g) FROM generate_series(1, 100000) g))), 'limit', 100)));  -- → 6
SELECT ignis.count('User', jsonb_build_object('id', jsonb_build_object('nin', (SELECT jsonb_agg(g) FROM generate_series(3, 100000) g))));  -- → {"count": 2}
SELECT ignis.count('User', jsonb_build_object('email', (SELECT jsonb_agg('u' || g || '@example.com') FROM generate_series(1, 100000) g) || '["bob@example.com"]'));  -- → {"count": 1}

-- Special characters in values: quotes, backslashes, %, _ and non-ASCII text
-- match literally with eq and never raise an error. The extra rows live only
-- inside this transaction.
BEGIN;
INSERT INTO public.users (id, email, display_name, role, age) VALUES
  (101, 'o''brien@example.com',    'O''Brien',         'member', 50),
  (102, 'back\slash@example.com',  'C:\dir\file',      'member', 50),
  (103, '100%@example.com',        '100%',             'member', 50),
  (104, 'under_score@example.com', 'a_b',              'member', 50),
  (105, 'uni@example.com',         '日本語 ✓ ß Ωμέγα', 'member', 50),
  (106, 'quote"d@example.com',     'say "hi"',         'member', 50);
SELECT ignis.find('User', '{"where": {"email": "o''brien@example.com"}, "fields": ["id"]}');  -- → [{"id": 101}]
SELECT ignis.find('User', '{"where": {"displayName": "O''Brien"}, "fields": ["id"]}');       -- → [{"id": 101}]
SELECT ignis.find('User', $j${"where": {"email": "back\\slash@example.com"}, "fields": ["id"]}$j$);  -- → [{"id": 102}]
SELECT ignis.find('User', $j${"where": {"displayName": "C:\\dir\\file"}, "fields": ["id"]}$j$);      -- → [{"id": 102}]
SELECT ignis.find('User', '{"where": {"displayName": "100%"}, "fields": ["id"]}');           -- → [{"id": 103}]
SELECT ignis.find('User', '{"where": {"displayName": "%"}, "fields": ["id"]}');              -- → []
SELECT ignis.find('User', '{"where": {"displayName": "a_b"}, "fields": ["id"]}');            -- → [{"id": 104}]
SELECT ignis.find('User', '{"where": {"displayName": "a%b"}, "fields": ["id"]}');            -- → []
SELECT ignis.find('User', '{"where": {"displayName": "日本語 ✓ ß Ωμέγα"}, "fields": ["id"]}');  -- → [{"id": 105}]
SELECT ignis.find('User', $j${"where": {"displayName": "say \"hi\""}, "fields": ["id"]}$j$);  -- → [{"id": 106}]
SELECT ignis.find('User', $j${"where": {"displayName": {"in": ["O'Brien", "100%", "a_b", "x\\y"]}}, "fields": ["id"]}$j$);  -- → [{"id": 101}, {"id": 103}, {"id": 104}]
SELECT ignis.find('User', $j${"where": {"displayName": {"neq": "O'Brien"}, "id": {"gt": 100}}, "fields": ["id"]}$j$);  -- → [{"id": 102}, {"id": 103}, {"id": 104}, {"id": 105}, {"id": 106}]
SELECT ignis.find('User', $j${"where": {"displayName": {"startsWith": "C:\\"}}, "fields": ["id"]}$j$);  -- → [{"id": 102}]
SELECT ignis.find('User', '{"where": {"displayName": {"endsWith": "%"}}, "fields": ["id"]}');  -- → [{"id": 103}]
SELECT ignis.find('User', '{"where": {"displayName": {"startsWith": "a_"}}, "fields": ["id"]}');  -- → [{"id": 104}]
SELECT ignis.find('User', '{"where": {"displayName": "\u65e5\u672c\u8a9e \u2713 \u00df \u03a9\u03bc\u03ad\u03b3\u03b1"}, "fields": ["id"]}');  -- → [{"id": 105}]
SELECT ignis.find_by_id('User', '101', '{"fields": ["email", "displayName"]}');  -- → {"email": "o'brien@example.com", "displayName": "O'Brien"}
ROLLBACK;
SELECT ignis.count('User');  -- → {"count": 6}
