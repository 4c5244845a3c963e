-- delete: physical deletes on models without soft delete (cases C128-C130):
-- delete_by_id, delete_all, delete_by, empty-where protection, constraint
-- errors. Every case runs in a transaction that is rolled back, so each one
-- starts from the fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C128: delete_by_id returns the deleted row
BEGIN;
SELECT ignis.delete_by_id('User', '6');    -- → {"count": 1, "data": U6}
SELECT ignis.find_by_id('User', '6');      -- → null
SELECT ignis.delete_by_id('User', '6');    -- → {"count": 0, "data": null}
ROLLBACK;

-- C129: delete_all / delete_by
BEGIN;
SELECT ignis.delete_all('PostTag', '{"tagId": [2, 3]}');
-- → {"count": 4, "data": [{"id": 2, "postId": 1, "tagId": 2}, {"id": 3, "postId": 2, "tagId": 2},
--                         {"id": 4, "postId": 2, "tagId": 3}, {"id": 5, "postId": 5, "tagId": 3}]}
SELECT ignis.delete_by('PostTag', '{"postId": 1}', '{"shouldReturn": false}');   -- → {"count": 1, "data": null}
SELECT * FROM public.post_tags;                                                   -- → empty
ROLLBACK;

-- C130: delete protection and constraint errors
BEGIN;
SELECT err($q$SELECT ignis.delete_all('PostTag')$q$);                           -- → error 22023
SELECT ignis.delete_all('PostTag', '{}', '{"force": true}');
-- → {"count": 5, "data": [{"id": 1, "postId": 1, "tagId": 1}, {"id": 2, "postId": 1, "tagId": 2}, {"id": 3, "postId": 2, "tagId": 2},
--                         {"id": 4, "postId": 2, "tagId": 3}, {"id": 5, "postId": 5, "tagId": 3}]}, plus one WARNING
SELECT err($q$SELECT ignis.delete_by_id('User', '1')$q$);                       -- → error 23503
SELECT ignis.delete_by_id('User', '6', '{"shouldHardDelete": true}');           -- → {"count": 1, "data": U6}
ROLLBACK;

-- more empty wheres, delete_by, and conditions that match nothing
BEGIN;
SELECT err($q$SELECT ignis.delete_all('PostTag', '{}')$q$);                          -- → error 22023
SELECT err($q$SELECT ignis.delete_all('PostTag', NULL)$q$);                          -- → error 22023 (NULL means {})
SELECT err($q$SELECT ignis.delete_by('PostTag', '{"and": [], "or": [{}]}')$q$);      -- → error 22023
SELECT err($q$SELECT ignis.delete_all('PostTag', '{}', '{"force": "yes"}')$q$);      -- → error 22023 (force must be a boolean)
SELECT ignis.delete_all('PostTag', '{"or": []}');                                    -- → {"count": 0, "data": []} ({"or": []} is FALSE, not empty)
SELECT ignis.delete_all('PostTag', '{"tagId": 99}');                                 -- → {"count": 0, "data": []}
SELECT ignis.delete_by_id('PostTag', '99', '{"shouldReturn": false}');               -- → {"count": 0, "data": null}
SELECT ignis.delete_by_id('PostTag', '1', '{"shouldReturn": false}');                -- → {"count": 1, "data": null}
SELECT count(*) FROM public.post_tags;                                               -- → 4
ROLLBACK;

-- deleted rows are returned as they were, visible properties only, ordered
-- by primary key
BEGIN;
SELECT ignis.delete_all('User', '{"id": {"inq": [6, 3]}}');  -- → {"count": 2, "data": [U3, U6]}
SELECT ignis.count('User');                                  -- → {"count": 4}
ROLLBACK;

-- foreign keys are not cascaded: the delete fails as a whole
BEGIN;
SELECT err($q$SELECT ignis.delete_all('User', '{"id": {"gte": 5}}')$q$);  -- → error 23503 (user 5 has a profile and a post)
SELECT count(*) FROM public.users;                                        -- → 6 (user 6 is still there)
SELECT err($q$SELECT ignis.delete_by_id('Post', '1', '{"shouldHardDelete": true}')$q$);  -- → error 23503 (post 1 has tags)
SELECT ignis.delete_all('PostTag', '{"postId": 1}', '{"shouldReturn": false}');          -- → {"count": 2, "data": null}
SELECT ignis.delete_by_id('Post', '1', '{"shouldHardDelete": true, "shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT count(*) FROM public.posts WHERE id = 1;                                          -- → 0
ROLLBACK;

-- the fixture is unchanged
SELECT (SELECT count(*) FROM public.users) AS users, (SELECT count(*) FROM public.post_tags) AS post_tags,
       (SELECT count(*) FROM public.posts) AS posts;
