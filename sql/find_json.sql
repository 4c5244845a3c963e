-- find_json: JSON paths into the jsonb column posts.metadata (cases C056-C065).
-- Priorities: post 1 → 3, post 2 → 5, post 3 → "high", post 4 → 1.50, post 5 has a NULL document.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- C056: an implicit number uses numeric comparison (1.5 matches the stored 1.50)
SELECT ignis.find('Post', '{"where": {"metadata.priority": 3}, "fields": ["id"]}');    -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"metadata.priority": 1.5}, "fields": ["id"]}');  -- → [{"id": 4}]

-- C057: the eq operator with a number compares text (Ignis rule: '1.50' <> '1.5')
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"eq": 1.5}}, "fields": ["id"]}');  -- → []
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"eq": 3}}, "fields": ["id"]}');    -- → [{"id": 1}]

-- C058: range operators cast safely ("high" never matches and never fails)
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gt": 2}}, "fields": ["id"]}');            -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"between": [1, 3]}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 4}]

-- C059: text mode
SELECT ignis.find('Post', '{"where": {"metadata.priority": "high"}, "fields": ["id"]}');          -- → [{"id": 3}]
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"like": "h%"}}, "fields": ["id"]}');  -- → [{"id": 3}]
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"in": [3, 5]}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"neq": 3}}, "fields": ["id"]}');      -- → [{"id": 2}, {"id": 3}, {"id": 4}]

-- C060: booleans and array indexes
SELECT ignis.find('Post', '{"where": {"metadata.flags.featured": true}, "fields": ["id"]}');     -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"metadata.flags.featured": false}, "fields": ["id"]}');    -- → [{"id": 2}]
SELECT ignis.find('Post', '{"where": {"metadata.ratings[0]": 5}, "fields": ["id"]}');           -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"metadata.ratings[1]": {"gte": 4}}, "fields": ["id"]}');  -- → [{"id": 1}]

-- C061: missing keys, JSON null and NULL documents all count as null
SELECT ignis.find('Post', '{"where": {"metadata.flags": null}, "fields": ["id"]}');           -- → [{"id": 3}, {"id": 5}]
SELECT ignis.find('Post', '{"where": {"metadata.flags": {"isn": null}}, "fields": ["id"]}');  -- → [{"id": 1}, {"id": 2}, {"id": 4}]

-- C062: object values compare as jsonb
SELECT ignis.find('Post', '{"where": {"metadata.flags": {"featured": true}}, "fields": ["id"]}');  -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"metadata.flags": {}}, "fields": ["id"]}');                  -- → [{"id": 4}]
SELECT ignis.find('Post', '{"where": {"metadata": {"priority": "high"}}, "fields": ["id"]}');       -- → [{"id": 3}]

-- C063: array operators on a JSON path use jsonb containment
SELECT ignis.find('Post', '{"where": {"metadata.ratings": {"contains": [4]}}, "fields": ["id"]}');     -- → [{"id": 1}]
SELECT ignis.find('Post', '{"where": {"metadata.ratings": {"overlaps": [3, 9]}}, "fields": ["id"]}');  -- → [{"id": 2}]

-- C064: the jsonPath form
SELECT ignis.find('Post', '{"where": {"metadata": {"jsonPath": "$.flags.featured", "eq": true}}, "fields": ["id"]}');  -- → [{"id": 1}]
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata": {"jsonPath": "flags.featured", "eq": true}}}')$q$);   -- → error 22023

-- C065: JSON path errors
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.bad key": 1}}')$q$);                     -- → error 22023, contains filter.where["metadata.bad key"]
SELECT err($q$SELECT ignis.find('Post', '{"where": {"title.x": 1}}')$q$);                              -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"meta.x": 1}}')$q$);                               -- → error 42703
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.": 1}}')$q$);                            -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gt": 1, "like": "h%"}}}')$q$);  -- → error 22023

-- filter.md §8.5: a numeric-mode object (gt/gte/lt/lte with a number,
-- between with numbers) allows only numbers and null as operands of every
-- operator, so an array or object operand of eq/neq/is/isn is 22023 too.
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.items[1].name": {"gte": 1, "eq": [1]}}}')$q$);                  -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata": {"jsonPath": "$.items[2]", "gte": -3, "eq": [1]}}}')$q$);   -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.priority": {"lte": 9, "neq": {"a": 1}}}}')$q$);              -- → error 22023
SELECT err($q$SELECT ignis.find('Post', '{"where": {"metadata.priority": {"between": [0, 9], "is": []}}}')$q$);              -- → error 22023
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gte": 1, "neq": null}}, "fields": ["id"]}');                  -- → [{"id": 1}, {"id": 2}, {"id": 4}]

-- D35: contains / containedBy / overlaps on a JSON path or a whole json/jsonb
-- property are NULL when the value is missing and FALSE when it is not an
-- array, for empty operand lists too: contains [] selects the rows whose
-- value is an array (posts 1 and 2), and its negation selects nothing.
SELECT ignis.find('Post', '{"where": {"metadata.ratings": {"contains": []}}, "fields": ["id"]}');             -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('Post', '{"where": {"not": {"metadata.ratings": {"contains": []}}}, "fields": ["id"]}');    -- → []
SELECT ignis.find('Post', '{"where": {"metadata.ratings": {"containedBy": []}}, "fields": ["id"]}');          -- → []
SELECT ignis.find('Post', '{"where": {"not": {"metadata.ratings": {"containedBy": []}}}, "fields": ["id"]}'); -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('Post', '{"where": {"metadata.ratings": {"overlaps": []}}, "fields": ["id"]}');             -- → []
SELECT ignis.find('Post', '{"where": {"not": {"metadata.ratings": {"overlaps": []}}}, "fields": ["id"]}');    -- → [{"id": 1}, {"id": 2}]
SELECT ignis.find('Post', '{"where": {"metadata.flags": {"contains": []}}, "fields": ["id"]}');               -- → [] (objects)
SELECT ignis.find('Post', '{"where": {"not": {"metadata.flags": {"contains": []}}}, "fields": ["id"]}');      -- → [{"id": 1}, {"id": 2}, {"id": 4}]
SELECT ignis.find('Post', '{"where": {"metadata": {"contains": []}}, "fields": ["id"]}');                     -- → [] (objects; post 5 NULL)
SELECT ignis.find('Post', '{"where": {"not": {"metadata": {"overlaps": []}}}, "fields": ["id"]}');            -- → [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]

-- A whole json (not jsonb) property orders by jsonb ordering, like a JSON
-- path does (read.md §3.3): objects > arrays > strings here.
BEGIN;
CREATE TABLE public.json_docs (id integer PRIMARY KEY, doc json);
INSERT INTO public.json_docs VALUES (1, '"text"'), (2, '{"a": 1}'), (3, '[1, 2]'), (4, NULL);
SELECT ignis.register_model('JsonDoc', 'public.json_docs') ->> 'name' AS model;
SELECT ignis.find('JsonDoc', '{"order": ["doc DESC"], "fields": ["id"]}');   -- → [{"id": 4}, {"id": 2}, {"id": 3}, {"id": 1}]
SELECT ignis.find('JsonDoc', '{"order": "doc", "fields": ["id"]}');          -- → [{"id": 1}, {"id": 3}, {"id": 2}, {"id": 4}]
ROLLBACK;
