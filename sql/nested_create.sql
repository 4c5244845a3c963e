-- nested_create: create and create_all take related rows under relation
-- names. The parent and every related row are inserted by one statement of
-- data-modifying CTEs: the children of a `many` relation (and of a `one`
-- relation whose key sits on the target, User -> profile) get their foreign
-- key from the parent's row; a `one` relation whose key sits on the row
-- itself (Post -> author) inserts the target first. The returned data nests
-- the created rows under the same relation names.
-- Every case runs in a transaction that is rolled back; the posts identity is
-- reset to 100 before every case that inserts posts.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- a user with two posts (one with a post tag) and a profile
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT jsonb_pretty(ignis.create('User', '{"id": 7, "email": "ann@example.com", "displayName": "Ann", "createdAt": "2024-07-01T00:00:00Z",
  "posts": [{"title": "A"}, {"title": "B", "postTags": [{"id": 90, "tagId": 1}]}],
  "profile": {"id": 70, "bio": "hi"}}'));
SELECT id, author_id, title FROM public.posts WHERE author_id = 7 ORDER BY id;   -- → 100 A, 101 B
SELECT * FROM public.post_tags WHERE id = 90;                                    -- → post 101, tag 1
SELECT * FROM public.profiles WHERE id = 70;                                     -- → user 7
ROLLBACK;

-- the target first: a post with its (new) author; hidden properties of the
-- author are written but not returned
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create('Post', '{"title": "Guest post", "author": {"id": 8, "email": "guest@example.com", "password": "pw", "createdAt": "2024-07-01T00:00:00Z"}}');
-- → {"count": 1, "data": {"id": 100, "authorId": 8, ..., "author": {"id": 8, "email": "guest@example.com", ...}}}
SELECT id, password FROM public.users WHERE id = 8;   -- → pw
ROLLBACK;

-- deeper: a category, its post, the post's tags; a related model's operation
-- scope applies (Tag is read-only: no tag is created through a post tag)
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create('Category', '{"id": 9, "name": "Deep", "posts": [{"title": "Tagged", "postTags": [{"id": 91, "tagId": 1}, {"id": 92, "tagId": 2}]}]}');
-- → {"count": 1, "data": {"id": 9, ..., "posts": [{"id": 100, "categoryId": 9, ..., "postTags": [{"id": 91, "postId": 100, "tagId": 1}, {"id": 92, "postId": 100, "tagId": 2}]}]}}
SELECT err($q$SELECT ignis.create('PostTag', '{"id": 93, "postId": 1, "tag": {"id": 50, "name": "fresh"}}')$q$);  -- → 42501 scope READ_ONLY
ROLLBACK;

-- create_all: every top-level row with its own related rows; rows without
-- related rows mix freely; an empty relation array gives []
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create_all('User', '[{"id": 10, "email": "u10@example.com", "createdAt": "2024-07-01T00:00:00Z", "posts": [{"title": "Ten"}]},
                                  {"id": 11, "email": "u11@example.com", "createdAt": "2024-07-01T00:00:00Z"},
                                  {"id": 12, "email": "u12@example.com", "createdAt": "2024-07-01T00:00:00Z", "posts": []}]');
-- → {"count": 3, "data": [{..., "posts": [{"id": 100, "authorId": 10, ...}]}, {... user 11 ...}, {..., "posts": []}]}
ROLLBACK;

-- children with different properties each get their own insert: the column
-- defaults apply to the properties a child leaves out
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT ignis.create('User', '{"id": 13, "email": "u13@example.com", "createdAt": "2024-07-01T00:00:00Z",
  "posts": [{"title": "Plain"}, {"title": "Published", "status": "published", "views": 5}]}') -> 'data' -> 'posts';
-- → [{"id": 100, "status": "draft", "views": 0, ...}, {"id": 101, "status": "published", "views": 5, ...}]
ROLLBACK;

-- shouldReturn false
BEGIN;
SELECT ignis.create('User', '{"id": 14, "email": "u14@example.com", "profile": {"id": 71}}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT user_id FROM public.profiles WHERE id = 71;   -- → 14
ROLLBACK;

-- atomic: a failing child leaves nothing behind
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SELECT err($q$SELECT ignis.create('User', '{"id": 15, "email": "u15@example.com", "posts": [{"title": "ok"}, {"title": null}]}')$q$);  -- → 23502
SELECT err($q$SELECT ignis.create('User', '{"id": 15, "email": "u15@example.com", "profile": {"id": 1}}')$q$);                     -- → 23505 (profile 1 exists)
SELECT count(*) FROM public.users WHERE id = 15;     -- → 0
SELECT count(*) FROM public.posts WHERE id >= 100;   -- → 0
ROLLBACK;

-- errors: the key a relation fills in must not be given; relation values of
-- the wrong kind; unknown keys are still unknown properties
BEGIN;
SELECT err_hint($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "posts": [{"title": "x", "authorId": 1}]}')$q$);  -- → 22023 at data.posts[0].authorId
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "profile": {"userId": 1}}')$q$);                       -- → 22023 at data.profile.userId
SELECT err($q$SELECT ignis.create('Post', '{"title": "x", "authorId": 1, "author": {"id": 17, "email": "b@example.com"}}')$q$);        -- → 22023 at data.authorId
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "posts": {"title": "x"}}')$q$);                        -- → 22023 takes an array
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "profile": [{"id": 72}]}')$q$);                        -- → 22023 takes an object
SELECT err($q$SELECT ignis.create('Post', '{"title": "x", "author": 3}')$q$);                                                          -- → 22023 takes an object
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "posts": [7]}')$q$);                                   -- → 22023 data.posts[0] must be an object
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "posts": [{"title": "x", "nickname": 1}]}')$q$);       -- → 42703 data.posts[0].nickname
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "posts": [{"title": "x", "views": "many"}]}')$q$);     -- → 22P02
SELECT err($q$SELECT ignis.create('User', '{"id": 16, "email": "a@example.com", "postz": []}')$q$);                                    -- → 42703 data.postz
ROLLBACK;

-- the statement: one CTE per inserted group, keys taken from the parent's CTE
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;
BEGIN;
SET LOCAL client_min_messages = info;
SELECT ignis.create('User', '{"id": 18, "email": "u18@example.com", "posts": [{"title": "x"}, {"title": "y"}]}', '{"log": {"use": true, "level": "info"}, "shouldReturn": false}');
SET LOCAL client_min_messages = warning;
ROLLBACK;
ALTER TABLE public.posts ALTER COLUMN id RESTART WITH 100;

-- depth: related rows may nest as deep as includes (16 levels); a self
-- relation shows the limit
BEGIN;
CREATE TABLE public.nodes (id integer PRIMARY KEY, parent_id integer REFERENCES public.nodes);
SELECT ignis.register_model('Node', 'public.nodes', '{"naming": "camelCase"}') ->> 'name' AS model;
SELECT ignis.register_relation('Node', 'children', 'many', 'Node', '{"fields": ["id"], "references": ["parentId"]}') ->> 'name' AS relation;
CREATE FUNCTION public.chain(depth integer) RETURNS jsonb LANGUAGE sql AS $$
  SELECT ((SELECT string_agg('{"id": ' || i || ', "children": [', '' ORDER BY i) FROM generate_series(1, depth) i)
          || '{"id": ' || (depth + 1) || '}' || repeat(']}', depth))::jsonb
$$;
SELECT err($q$SELECT ignis.create('Node', public.chain(17))$q$);              -- → 54000 at the 17th level
SELECT ignis.create('Node', public.chain(16), '{"shouldReturn": false}');     -- → {"count": 1, "data": null}
SELECT count(*), max(id) FROM public.nodes;                                     -- → 17 rows, each the child of the one before
SELECT count(*) FROM public.nodes n JOIN public.nodes p ON p.id = n.parent_id WHERE n.id = p.id + 1;  -- → 16
ROLLBACK;

-- children made only of column defaults
BEGIN;
CREATE TABLE public.lists (id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, name text NOT NULL DEFAULT 'list');
CREATE TABLE public.list_items (id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, list_id integer NOT NULL REFERENCES public.lists, done boolean NOT NULL DEFAULT false);
SELECT ignis.register_model('List', 'public.lists') ->> 'name' AS model;
SELECT ignis.register_model('ListItem', 'public.list_items', '{"naming": "camelCase"}') ->> 'name' AS model;
SELECT ignis.register_relation('List', 'items', 'many', 'ListItem', '{"fields": ["id"], "references": ["listId"]}') ->> 'name' AS relation;
SELECT ignis.create('List', '{"items": [{}, {}, {}]}');
-- → {"count": 1, "data": {"id": 1, "name": "list", "items": [{"id": 1, "done": false, "listId": 1}, {"id": 2, ...}, {"id": 3, ...}]}}
SELECT ignis.create('List', '{"items": [{}, {"done": true}]}') -> 'data' -> 'items';   -- → ids 4 and 5, only the second done
ROLLBACK;

-- a related model with a scope filter: nested create does not check one yet,
-- so it refuses (plain create checks it)
BEGIN;
SELECT ignis.register_model('ScopedProfile', 'public.profiles', '{"naming": "camelCase", "scopeFilter": {"where": {"bio": {"neq": "x"}}}}') ->> 'name' AS model;
SELECT ignis.register_relation('User', 'scopedProfile', 'one', 'ScopedProfile', '{"fields": ["id"], "references": ["userId"]}') ->> 'name' AS relation;
SELECT err_hint($q$SELECT ignis.create('User', '{"id": 19, "email": "u19@example.com", "scopedProfile": {"id": 73}}')$q$);  -- → 0A000
ROLLBACK;
