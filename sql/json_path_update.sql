-- json_path_update: updates with JSON-path keys such as "metadata.flags.featured"
-- (cases C120-C127, write.md §4.4), on jsonb and on json columns.
-- Every case runs in a transaction that is rolled back, so each one starts
-- from the fixture. Post 1's metadata is
--   {"priority": 3, "flags": {"featured": true}, "ratings": [5, 4]}
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C120: several paths in one column
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.priority": 4, "metadata.flags.featured": false}') -> 'data' -> 'metadata';
-- → {"priority": 4, "flags": {"featured": false}, "ratings": [5, 4]}
ROLLBACK;

-- C121: missing intermediate objects are created
BEGIN;
SELECT ignis.update_by_id('Post', '3', '{"metadata.seo.title": "Hi"}') -> 'data' -> 'metadata';
-- → {"priority": "high", "seo": {"title": "Hi"}}
ROLLBACK;

-- C122: a NULL document is treated as an empty object
BEGIN;
SELECT ignis.update_by_id('Post', '5', '{"metadata.priority": 1}') -> 'data' -> 'metadata';
-- → {"priority": 1}
ROLLBACK;

-- C123: array elements: replace and append
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.ratings[1]": 2, "metadata.ratings[5]": 1}') -> 'data' -> 'metadata';
-- → {"priority": 3, "flags": {"featured": true}, "ratings": [5, 2, 1]}
ROLLBACK;

-- C124: JSON null is stored, not removed; regular and path keys together
BEGIN;
SELECT ignis.update_by_id('Post', '2', '{"title": "Deeper", "metadata.flags.featured": null}') -> 'data';
-- → {"id": 2, "authorId": 1, "categoryId": 2, "title": "Deeper", "status": "published", "views": 45, "tags": ["tech", "long-read"],
--    "metadata": {"priority": 5, "flags": {"featured": null}, "ratings": [3]}, "publishedAt": "2024-02-01T00:00:00+00:00", "deletedAt": null}
ROLLBACK;

-- C125: whole document plus paths
BEGIN;
SELECT ignis.update_by_id('Post', '4', '{"metadata": {"a": 1}, "metadata.b": 2}') -> 'data' -> 'metadata';
-- → {"a": 1, "b": 2}
ROLLBACK;

-- C126: JSON-path update errors
BEGIN;
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.priority.x": 1}')$q$);  -- → error 22023 (priority is a number)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"title.x": 1}')$q$);              -- → error 22023, contains data["title.x"]
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.": 1}')$q$);            -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.bad key": 1}')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"meta.x": 1}')$q$);               -- → error 42703
SELECT metadata FROM public.posts WHERE id = 1;                                          -- → unchanged
ROLLBACK;

-- C127: JSON-path update through update_all
BEGIN;
SELECT ignis.update_all('Post', '{"metadata.reviewed": true}', '{"status": "published"}', '{"shouldReturn": false}');  -- → {"count": 3, "data": null}
SELECT ignis.find('Post', '{"where": {"metadata.reviewed": true}, "fields": ["id"]}');                                -- → [{"id": 1}, {"id": 2}, {"id": 5}]
ROLLBACK;

-- The examples of write.md §4.4 on post 1
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.priority": 4}') -> 'data' -> 'metadata';
-- → {"priority": 4, "flags": {"featured": true}, "ratings": [5, 4]}
ROLLBACK;
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.flags.featured": false, "metadata.priority": null}') -> 'data' -> 'metadata';
-- → {"priority": null, "flags": {"featured": false}, "ratings": [5, 4]}
ROLLBACK;
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.ratings[1]": 2}') -> 'data' -> 'metadata' -> 'ratings';  -- → [5, 2]
SELECT ignis.update_by_id('Post', '1', '{"metadata.ratings[5]": 1}') -> 'data' -> 'metadata' -> 'ratings';  -- → [5, 2, 1] (appended)
ROLLBACK;
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.seo.title": "Hi"}') -> 'data' -> 'metadata';
-- → {"priority": 3, "flags": {"featured": true}, "ratings": [5, 4], "seo": {"title": "Hi"}}
ROLLBACK;
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata": {"a": 1}, "metadata.b": 2}') -> 'data' -> 'metadata';  -- → {"a": 1, "b": 2}
ROLLBACK;

-- Order is fixed, whatever the order of the keys: a shorter path before a
-- longer one, so "metadata.a" (an object) is set before "metadata.a.b"
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.a.b": 1, "metadata.a": {"x": 0, "b": 0}}') -> 'data' -> 'metadata' -> 'a';  -- → {"b": 1, "x": 0}
SELECT ignis.update_by_id('Post', '3', '{"metadata.a": {"x": 0, "b": 0}, "metadata.a.b": 1}') -> 'data' -> 'metadata' -> 'a';  -- → {"b": 1, "x": 0}
ROLLBACK;

-- Deeper paths: objects inside arrays, arrays inside objects, JSON null
-- intermediate containers, several columns and several rows at once
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"metadata.ratings[0]": {"score": 5}, "metadata.ratings[0].by": "alice"}') -> 'data' -> 'metadata' -> 'ratings';
-- → [{"by": "alice", "score": 5}, 4]
-- a numeric component addresses an object key "0" when the document holds an object there
SELECT ignis.update_by_id('Post', '3', '{"metadata[0]": "zero", "metadata.flags.1": "one"}') -> 'data' -> 'metadata';
-- → {"0": "zero", "flags": {"1": "one"}, "priority": "high"}
SELECT ignis.update_by_id('Post', '2', '{"metadata.flags": null}') -> 'data' -> 'metadata';             -- → flags is JSON null
SELECT ignis.update_by_id('Post', '2', '{"metadata.flags.pinned": true}') -> 'data' -> 'metadata';      -- → the JSON null container becomes {"pinned": true}
-- a missing intermediate container is always created as an object, so a
-- numeric component below it becomes the object key "0" (filter.md §8.1)
SELECT ignis.update_by_id('Post', '4', '{"metadata.flags.featured": true, "metadata.list[0]": "first"}') -> 'data' -> 'metadata';
-- → {"flags": {"featured": true}, "priority": 1.50, "list": {"0": "first"}}
ROLLBACK;
BEGIN;
SELECT ignis.update_all('Post', '{"metadata.flags.featured": true, "status": "published"}', '{"id": {"inq": [2, 3, 5]}}') -> 'data' @? '$[*] ? (@.metadata.flags.featured != true)' AS any_not_featured;  -- → f
SELECT id, status, metadata FROM public.posts ORDER BY id;
ROLLBACK;

-- Path errors raised while the statement runs: a scalar on the way, a
-- non-numeric component applied to an array. Nothing is changed.
BEGIN;
SELECT err($q$SELECT ignis.update_by_id('Post', '3', '{"metadata.priority.level": 1}')$q$);   -- → error 22023 (priority is a string)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.ratings.first": 1}')$q$);    -- → error 22023 (ratings is an array)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.flags.featured.x": 1}')$q$); -- → error 22023 (featured is a boolean)
SELECT err($q$SELECT ignis.update_all('Post', '{"metadata.priority.x": 1}', '{"id": {"inq": [3, 5]}}')$q$);  -- → error 22023 (post 3; post 5 alone would be fine)
SELECT id, metadata FROM public.posts WHERE id IN (1, 3, 5) ORDER BY id;                      -- → unchanged
-- validation errors name the key
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views.x": 1}')$q$);                   -- → error 22023 (views is not JSON)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags[0]": "x"}')$q$);                 -- → error 22023 (tags is an array column, not JSON)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata..a": 1}')$q$);               -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata.a[x]": 1}')$q$);             -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"metadata_x.a": 1}')$q$);              -- → error 42703
SELECT err($q$SELECT ignis.create('Post', '{"title": "t", "metadata.a": 1}')$q$);             -- → error 22023 (paths only in updates)
ROLLBACK;

-- json (not jsonb) columns: the document is processed as jsonb and the result
-- cast back to json (key order and duplicate keys of the old text are lost)
BEGIN;
CREATE TABLE public.settings_doc (id integer PRIMARY KEY, doc json, note text);
INSERT INTO public.settings_doc VALUES
  (1, '{"b": 1, "a": {"x": true}, "b": 2}', 'dup key'),
  (2, NULL, 'null doc'),
  (3, '{"list": [1, 2]}', 'array');
SELECT ignis.register_model('SettingsDoc', 'public.settings_doc') ->> 'name' AS model;
SELECT ignis.update_by_id('SettingsDoc', '1', '{"doc.a.y": false}') -> 'data' -> 'doc';       -- → {"a": {"x": true, "y": false}, "b": 2}
SELECT ignis.update_by_id('SettingsDoc', '2', '{"doc.level.one": [1]}') -> 'data' -> 'doc';   -- → {"level": {"one": [1]}}
SELECT ignis.update_by_id('SettingsDoc', '3', '{"doc.list[1]": 20, "doc.list[9]": 3, "note": "edited"}') -> 'data';  -- → list [1, 20, 3]
SELECT err($q$SELECT ignis.update_by_id('SettingsDoc', '3', '{"doc.list.x": 1}')$q$);         -- → error 22023
SELECT id, doc, pg_typeof(doc) AS type, note FROM public.settings_doc ORDER BY id;
-- whole json documents are stored as given
SELECT ignis.update_by_id('SettingsDoc', '1', '{"doc": {"z": 1, "a": 2}}') -> 'data' -> 'doc';  -- → {"a": 2, "z": 1}
SELECT ignis.update_all('SettingsDoc', '{"doc.touched": true}', '{"id": {"lte": 3}}', '{"shouldReturn": false}');  -- → {"count": 3, "data": null}
SELECT id, doc::jsonb -> 'touched' AS touched FROM public.settings_doc ORDER BY id;
ROLLBACK;

-- The helpers the generated statements call, ignis._set_path and
-- ignis._json_numeric, run as the caller and so stay executable by every
-- role; any argument gives a result or a clean error, checked the way core
-- checks the path of jsonb_set (one dimension, no NULL element).
-- ignis._catalog_changed, the trigger of the catalog tables, is not
-- executable by PUBLIC.
SELECT ignis._set_path('{}', '{a,b}', '1', 'doc');                                    -- → {"a": {"b": 1}}
SELECT ignis._set_path('{"a": {"b": null}}', '{a,b,c}', '1', 'doc');                  -- → {"a": {"b": {"c": 1}}}
SELECT ignis._set_path('{"a": [1, 2]}', '{a,1}', '{"x": 1}', 'doc');                  -- → {"a": [1, {"x": 1}]}
SELECT ignis._set_path('{"a": [1]}', '{a,5,c}', '"v"', 'doc');                        -- → {"a": [1, {"c": "v"}]} (appended)
SELECT ignis._set_path('null', '{a,b}', '[1]', 'doc');                                -- → {"a": {"b": [1]}}
SELECT ignis._set_path('{"a": 1}', '{}', '2', 'doc');                                 -- → 2 (no path: the value)
SELECT err($q$SELECT ignis._set_path('{}', ARRAY[NULL]::text[], '1', 'x')$q$);        -- → error 22004
SELECT err($q$SELECT ignis._set_path('{}', '{a,NULL}', '1', 'x')$q$);                 -- → error 22004
SELECT err($q$SELECT ignis._set_path('{}', '{{a},{b}}', '1', 'x')$q$);                -- → error 2202E
SELECT err($q$SELECT ignis._set_path('{"a": 1}', '{a,b}', '1', 'x')$q$);              -- → error 22023 (x.a is a number)
SELECT err($q$SELECT ignis._set_path('{"a": []}', '{a,b}', '1', 'x')$q$);             -- → error 22023 (x.a is an array)
SELECT err($q$SELECT ignis._set_path('{"a": []}', '{a,99999999999}', '1', 'x')$q$);   -- → error 22003
SELECT err($q$SELECT ignis._set_path('"s"', '{a}', '1', 'x')$q$);                     -- → error 22023
SELECT err($q$SELECT ignis._set_path('{}', array_fill('a'::text, ARRAY[1001]), '1', 'x')$q$);  -- → error 54000
SELECT ignis._set_path(NULL, '{a}', '1', 'x') IS NULL AS strict;                      -- → t
SELECT ignis._json_numeric('{"a": [1, "2.5", "x"]}', '{a,1}');                        -- → 2.5
SELECT ignis._json_numeric('{"a": 1}', ARRAY[NULL]::text[]) IS NULL AS null_element;  -- → t (as #>> does)
SELECT ignis._json_numeric('{"a": 1}', '{}') IS NULL AS whole_object;                 -- → t
SELECT err($q$SELECT ignis._json_numeric('{"a": 1}', '{{a},{b}}')$q$);                -- → error 2202E
SELECT err($q$SELECT ignis._json_numeric('{}', array_fill('a'::text, ARRAY[1001]))$q$);  -- → error 54000
SELECT p.oid::regprocedure AS helper, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p WHERE p.pronamespace = 'ignis'::regnamespace AND p.proname LIKE '\_%' ORDER BY 1::text;

-- the fixture is unchanged
SELECT id, metadata FROM public.posts ORDER BY id;
