-- create: ignis.create and ignis.create_all (cases C106-C112), plus bulk
-- inserts, mixed key sets, array and jsonb values and atomicity.
-- Every case runs in a transaction that is rolled back, so each one starts
-- from the fixture. The posts identity is not transactional: it is reset to
-- 100 before every case that inserts posts.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C106: create returns the stored row without hidden properties
BEGIN;
SELECT ignis.create('User', '{"id": 7, "email": "eve@example.com", "password": "pw7", "age": 30, "createdAt": "2024-07-01T00:00:00Z"}');
-- → {"count": 1, "data": {"id": 7, "email": "eve@example.com", "displayName": null, "role": "member", "age": 30, "createdAt": "2024-07-01T00:00:00+00:00"}}
SELECT password FROM public.users WHERE id = 7;  -- → pw7 (hidden, but written)
ROLLBACK;

-- C107: database defaults and identity
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create('Post', '{"authorId": 3, "title": "New one"}');
-- → {"count": 1, "data": {"id": 100, "authorId": 3, "categoryId": null, "title": "New one", "status": "draft", "views": 0,
--    "tags": null, "metadata": null, "publishedAt": null, "deletedAt": null}}
ROLLBACK;

-- C108: shouldReturn false
BEGIN;
SELECT ignis.create('Profile', '{"id": 4, "userId": 3}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT * FROM public.profiles WHERE id = 4;                                          -- → the row is there
ROLLBACK;

-- C109: create validation
BEGIN;
SELECT err($q$SELECT ignis.create('User', '{"id": 8, "email": "x@example.com", "nickname": "x"}')$q$);  -- → error 42703, contains data.nickname
SELECT err($q$SELECT ignis.create('Post', '{"title": "x", "metadata.priority": 1}')$q$);                 -- → error 22023, contains data["metadata.priority"]
SELECT err($q$SELECT ignis.create('User', '{"id": 8}')$q$);                                              -- → error 23502
SELECT err($q$SELECT ignis.create('User', '[{"id": 8}]')$q$);                                            -- → error 22023
SELECT err($q$SELECT ignis.create('Post', '{"title": "x", "views": {"a": 1}}')$q$);                      -- → error 22023
SELECT count(*) FROM public.users WHERE id = 8;                                                           -- → 0
ROLLBACK;

-- C110: create_all keeps input order and fills missing keys with defaults
BEGIN;
SELECT ignis.create_all('Profile', '[{"id": 11, "userId": 4}, {"id": 10, "userId": 3, "bio": "Carol here"}]');
-- → {"count": 2, "data": [{"id": 11, "userId": 4, "bio": null}, {"id": 10, "userId": 3, "bio": "Carol here"}]}
ROLLBACK;

-- C111: create_all edge cases and atomicity
BEGIN;
SELECT ignis.create_all('Profile', '[]');                                                         -- → {"count": 0, "data": []}
SELECT ignis.create_all('Profile', '[]', '{"shouldReturn": false}');                              -- → {"count": 0, "data": null}
SELECT err($q$SELECT ignis.create_all('Profile', '{"id": 12}')$q$);                               -- → error 22023
SELECT err($q$SELECT ignis.create_all('Profile', '[{"id": 12, "userId": 3}, {"id": 13, "userId": 1}]')$q$);  -- → error 23505 (user 1 already has a profile)
SELECT ignis.count('Profile', '{"id": [12, 13]}');                                                -- → {"count": 0} (neither row was inserted)
ROLLBACK;

-- C112: the default filter never applies to creates
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create('Post', '{"title": "Born deleted", "deletedAt": "2024-01-01T00:00:00Z"}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT ignis.count('Post', '{"title": "Born deleted"}');                                                                -- → {"count": 0}
SELECT id, deleted_at FROM public.posts WHERE title = 'Born deleted';                                                   -- → 100, 2024-01-01 00:00:00+00 (stored as given)
ROLLBACK;

-- create with {} inserts a row made only of column defaults; in create_all the
-- rows take their identity values in input order, as the rows of one
-- INSERT ... VALUES list do (write.md §3)
BEGIN;
CREATE TABLE public.notes (id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, body text NOT NULL DEFAULT 'empty', pinned boolean NOT NULL DEFAULT false);
SELECT ignis.register_model('Note', 'public.notes') ->> 'name' AS model;
SELECT ignis.create('Note', '{}');                                    -- → {"count": 1, "data": {"id": 1, "body": "empty", "pinned": false}}
SELECT ignis.create_all('Note', '[{}, {"pinned": true}, {}]');        -- → ids 2, 3, 4; only the second one (id 3) pinned
ROLLBACK;

-- scalar conversion: strings and numbers go through the column type's input function
BEGIN;
SELECT ignis.create('User', '{"id": "7", "email": "eve@example.com", "age": "30", "createdAt": "2024-07-01T12:30:00+02:00"}') -> 'data';
-- → {"id": 7, "age": 30, "createdAt": "2024-07-01T10:30:00+00:00", ...}
SELECT err($q$SELECT ignis.create('User', '{"id": 8, "email": "x@example.com", "age": "abc"}')$q$);  -- → error 22P02
ROLLBACK;

-- create_all: rows with different key sets. The column list is the union of
-- the keys; a row lacking a key gets that column's DEFAULT (not NULL), and the
-- rows come back in input order, not in id order.
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT r ->> 'id' AS id, r ->> 'title' AS title, r ->> 'status' AS status, r ->> 'views' AS views, r ->> 'authorId' AS author_id
FROM jsonb_array_elements(ignis.create_all('Post', '[
    {"title": "only a title"},
    {"id": 50, "title": "explicit id", "status": "published"},
    {"title": "with views", "views": 7, "authorId": 2},
    {"status": "archived", "title": "no views"}
  ]') -> 'data') AS r;
SELECT id, title, status, views, author_id FROM public.posts WHERE id >= 50 ORDER BY id;
-- → 50 explicit id / published / 0;  100 only a title / draft / 0;  101 with views / draft / 7 / author 2;  102 no views / archived / 0
ROLLBACK;

-- create_all: array columns (NULL elements, empty arrays, SQL NULL) and jsonb
-- columns (object, array, string, number, boolean; JSON null writes SQL NULL)
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT r ->> 'title' AS title, r -> 'tags' AS tags, r -> 'metadata' AS metadata
FROM jsonb_array_elements(ignis.create_all('Post', '[
    {"title": "a", "tags": ["x", "y"],   "metadata": {"priority": 1, "flags": {"featured": true}}},
    {"title": "b", "tags": ["x", null],  "metadata": [1, "two", null]},
    {"title": "c", "tags": [],           "metadata": "just a string"},
    {"title": "d", "tags": null,         "metadata": 42.5},
    {"title": "e", "tags": ["ünï ✓"],    "metadata": false},
    {"title": "f",                       "metadata": null}
  ]') -> 'data') AS r;
SELECT title, tags, metadata, metadata IS NULL AS "sql null", jsonb_typeof(metadata) AS json_type
FROM public.posts WHERE id >= 100 ORDER BY id;
ROLLBACK;

-- multi-dimensional arrays map nested JSON arrays; they must be rectangular
BEGIN;
CREATE TABLE public.grids (id integer PRIMARY KEY, cells integer[], labels text[]);
SELECT ignis.register_model('Grid', 'public.grids') ->> 'name' AS model;
SELECT ignis.create_all('Grid', '[{"id": 1, "cells": [[1, 2], [3, null]], "labels": ["a b", "\"q\"", "{}"]}, {"id": 2, "cells": []}]');
SELECT id, cells, array_dims(cells) AS dims, labels FROM public.grids ORDER BY id;
SELECT err($q$SELECT ignis.create('Grid', '{"id": 3, "cells": [[1, 2], [3]]}')$q$);                   -- → error 22023 (not rectangular)
SELECT err($q$SELECT ignis.create('Grid', '{"id": 3, "cells": ["x"]}')$q$);                         -- → error 22P02
ROLLBACK;

-- create_all of 10,000 rows built with generate_series, in descending order of
-- views: one statement, ids 100..10099 given in input order, and the returned
-- array keeps the input order.
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT count(*) AS posts_before FROM public.posts;  -- → 6
CREATE TEMP TABLE bulk AS
SELECT ignis.create_all('Post', (SELECT jsonb_agg(jsonb_build_object('title', 'bulk ' || g, 'views', 10001 - g) ORDER BY g)
                                 FROM generate_series(1, 10000) AS g)) AS r;
SELECT r -> 'count' AS count,
       jsonb_array_length(r -> 'data') AS returned,
       r -> 'data' -> 0 ->> 'id' AS first_id,
       r -> 'data' -> 0 ->> 'title' AS first_title,
       r -> 'data' -> 9999 ->> 'id' AS last_id,
       r -> 'data' -> 9999 ->> 'title' AS last_title
FROM bulk;
-- → 10000, 10000, 100 "bulk 1", 10099 "bulk 10000"
SELECT count(*) AS rows_checked,
       bool_and(e.row ->> 'title' = 'bulk ' || e.n
                AND (e.row ->> 'views')::int = 10001 - e.n
                AND (e.row ->> 'id')::int = 99 + e.n) AS input_order_kept
FROM bulk, jsonb_array_elements(r -> 'data') WITH ORDINALITY AS e(row, n);  -- → 10000, t
SELECT count(*) AS posts_after, min(id), max(id) FROM public.posts;  -- → 10006, 1, 10099
SELECT ignis.count('Post', '{"title": {"like": "bulk %"}}');  -- → {"count": 10000}
ROLLBACK;

-- the same without returning the rows
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create_all('Post', (SELECT jsonb_agg(jsonb_build_object('title', 'bulk ' || g)) FROM generate_series(1, 10000) AS g),
                        '{"shouldReturn": false}');  -- → {"count": 10000, "data": null}
SELECT count(*), min(id), max(id) FROM public.posts WHERE title LIKE 'bulk %';  -- → 10000, 100, 10099
ROLLBACK;

-- atomicity: a create_all whose last row violates a constraint inserts nothing
-- (here the 1,000th row repeats an existing email)
BEGIN;
SELECT count(*) AS users_before FROM public.users;  -- → 6
SELECT err($q$SELECT ignis.create_all('User',
  (SELECT jsonb_agg(jsonb_build_object('id', 100 + g, 'email', CASE WHEN g = 1000 THEN 'alice@example.com' ELSE 'u' || g || '@example.com' END) ORDER BY g)
   FROM generate_series(1, 1000) AS g))$q$);  -- → error 23505
SELECT count(*) AS users_after FROM public.users;  -- → 6
-- the same with a NOT NULL violation in the last row
SELECT err($q$SELECT ignis.create_all('Profile', '[{"id": 10, "userId": 3}, {"id": 11, "userId": 4}, {"id": null, "userId": 6}]')$q$);  -- → error 23502
SELECT count(*) AS profiles_after FROM public.profiles;  -- → 3
ROLLBACK;

-- the fixture is unchanged
SELECT (SELECT count(*) FROM public.users) AS users, (SELECT count(*) FROM public.profiles) AS profiles,
       (SELECT count(*) FROM public.posts) AS posts, (SELECT max(id) FROM public.posts) AS max_post_id;
SELECT name FROM ignis.models ORDER BY name;
