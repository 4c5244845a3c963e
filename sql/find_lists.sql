-- find_lists: in / nin and their aliases (cases C023-C027).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C023: in, inq and the implicit array
SELECT ignis.find('User', '{"where": {"id": {"in": [1, 3, 99]}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 3}]
SELECT ignis.find('User', '{"where": {"id": {"inq": [2]}}, "fields": ["id"]}');        -- → [{"id": 2}]
SELECT ignis.find('User', '{"where": {"id": [4, 2]}, "fields": ["id"]}');              -- → [{"id": 2}, {"id": 4}]

-- C024: empty lists: in [] matches nothing, nin [] everything (NULL rows included)
SELECT ignis.find('User', '{"where": {"id": {"in": []}}}');  -- → []
SELECT ignis.find('User', '{"where": {"id": []}}');          -- → []
SELECT ignis.count('User', '{"age": {"nin": []}}');          -- → {"count": 6}

-- C025: nin / notIn leave NULL rows out
SELECT ignis.find('User', '{"where": {"role": {"nin": ["member", "guest"]}}, "fields": ["id"]}');  -- → [{"id": 1}]
SELECT ignis.find('User', '{"where": {"age": {"notIn": [27, 34]}}, "fields": ["id"]}');            -- → [{"id": 4}, {"id": 5}]

-- C026: null inside in / nin lists matches / excludes NULL rows
SELECT ignis.find('User', '{"where": {"age": {"in": [19, null]}}, "fields": ["id"]}');   -- → [{"id": 3}, {"id": 5}]
SELECT ignis.find('User', '{"where": {"age": {"nin": [19, null]}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}, {"id": 4}, {"id": 6}]

-- C027: non-array operand of in / nin means = / <>
SELECT ignis.find('User', '{"where": {"role": {"in": "guest"}}, "fields": ["id"]}');    -- → [{"id": 4}]
SELECT ignis.find('User', '{"where": {"role": {"nin": "member"}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 4}]
