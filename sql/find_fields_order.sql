-- find_fields_order: output shape, fields, order, limit/skip/offset (cases C066-C077).
-- (The first statement of C075, which needs include, is tested with the includes.)
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C066: default output: property names, hidden properties removed, ordered by primary key
SELECT ignis.find('User');  -- → [U1, U2, U3, U4, U5, U6]

-- C067: fields: array, inclusion object, exclusion object, empty array
SELECT ignis.find('Post', '{"where": {"id": 1}, "fields": ["title", "views"]}');                           -- → [{"title": "Hello World", "views": 120}]
SELECT ignis.find('Post', '{"where": {"id": 1}, "fields": {"id": true, "title": true, "views": false}}');  -- → [{"id": 1, "title": "Hello World"}]
SELECT ignis.find('User', '{"where": {"id": 1}, "fields": {"email": false, "createdAt": false}}');          -- → [{"id": 1, "displayName": "Alice", "role": "admin", "age": 34}]
SELECT ignis.find('User', '{"where": {"id": 1}, "fields": []}');                                           -- → [U1]

-- C068: fields and hidden properties: a requested hidden property is dropped silently
SELECT ignis.find('User', '{"where": {"id": 2}, "fields": ["id", "password"]}');    -- → [{"id": 2}]
SELECT err($q$SELECT ignis.find('User', '{"fields": ["password"]}')$q$);            -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"fields": ["id", "nickname"]}')$q$);      -- → error 42703, contains filter.fields[1]

-- C069: descending order puts NULLs first; primary key breaks ties
SELECT ignis.find('User', '{"fields": ["id", "age"], "order": ["age DESC"]}');  -- → [{"id": 3, "age": null}, {"id": 4, "age": 41}, {"id": 1, "age": 34}, {"id": 2, "age": 27}, {"id": 6, "age": 27}, {"id": 5, "age": 19}]

-- C070: NULLS LAST, string shorthand, lower-case direction
SELECT ignis.find('User', '{"fields": ["id"], "order": "age desc nulls last"}');  -- → [{"id": 4}, {"id": 1}, {"id": 2}, {"id": 6}, {"id": 5}, {"id": 3}]

-- C071: ascending with NULLs last by default; comma-separated items
SELECT ignis.find('User', '{"fields": ["id"], "order": ["age"]}');                  -- → [{"id": 5}, {"id": 2}, {"id": 6}, {"id": 1}, {"id": 4}, {"id": 3}]
SELECT ignis.find('User', '{"fields": ["id"], "order": ["role ASC, age DESC"]}');  -- → [{"id": 1}, {"id": 4}, {"id": 3}, {"id": 2}, {"id": 6}, {"id": 5}]

-- C072: order validation (the key "id;" is checked first); the table is untouched
SELECT err($q$SELECT ignis.find('User', '{"order": ["age UP"]}')$q$);                 -- → error 22023, contains filter.order[0]
SELECT err($q$SELECT ignis.find('User', '{"order": ["nickname"]}')$q$);               -- → error 42703
SELECT err($q$SELECT ignis.find('User', '{"order": ["id; DROP TABLE users"]}')$q$);  -- → error 42703
SELECT count(*) FROM public.users;                                                   -- → 6

-- C073: ordering by a JSON path uses jsonb ordering
-- (post 5 has a NULL document: first in DESC, last in ASC; the string "high" sorts below every number)
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["metadata.priority DESC"]}');  -- → [{"id": 5}, {"id": 2}, {"id": 1}, {"id": 4}, {"id": 3}]
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["metadata.priority ASC"]}');   -- → [{"id": 3}, {"id": 4}, {"id": 1}, {"id": 2}, {"id": 5}]

-- C074: limit and skip
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}');  -- → [{"id": 3}, {"id": 4}]
SELECT ignis.find('User', '{"fields": ["id"], "limit": 0}');             -- → []

-- C075: skip wins over offset
SELECT ignis.find('User', '{"fields": ["id"], "skip": 1, "offset": 3, "limit": 1}');  -- → [{"id": 2}]

-- C076: default limit (GUC ignis.default_limit; 0 disables it; count is never limited)
SET ignis.default_limit = 2;
SELECT ignis.find('User', '{"fields": ["id"]}');              -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('User', '{"fields": ["id"], "limit": 3}');  -- → [{"id": 1}, {"id": 2}, {"id": 3}]
SELECT ignis.count('User');                                   -- → {"count": 6}
SET ignis.default_limit = 0;
SELECT jsonb_array_length(ignis.find('User'));                -- → 6
RESET ignis.default_limit;

-- C077: pagination validation and unknown filter keys; null means "not given"
SELECT err($q$SELECT ignis.find('User', '{"limit": -1}')$q$);    -- → error 22023, contains filter.limit
SELECT err($q$SELECT ignis.find('User', '{"limit": "10"}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"skip": 1.5}')$q$);    -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"limt": 5}')$q$);      -- → error 22023, contains filter.limt
SELECT ignis.find('User', '{"fields": ["id"], "limit": null}');  -- → [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}, {"id": 6}]
