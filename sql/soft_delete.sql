-- soft_delete: deletes on soft-delete models stamp the deleted-at property,
-- restores clear it, shouldHardDelete removes rows (cases C131-C139,
-- write.md §8). In the fixture post 6 and category 3 are soft-deleted.
-- Every case runs in a transaction that is rolled back, so each one starts
-- from the fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C131: soft delete by id stamps now() (the transaction timestamp)
BEGIN;
SELECT r -> 'count' AS count, r -> 'data' ->> 'title' AS title, (r -> 'data' ->> 'deletedAt')::timestamptz = now() AS stamped_now
FROM ignis.delete_by_id('Post', '2') AS r;                             -- → 1, Deep Dive, true
SELECT deleted_at = now() AS stamped_now FROM public.posts WHERE id = 2;  -- → true (row still present)
SELECT ignis.find('Post', '{"fields": ["id"]}');                        -- → [{"id": 1}, {"id": 3}, {"id": 4}, {"id": 5}]
ROLLBACK;

-- C132: deleting an already deleted row
BEGIN;
SELECT ignis.delete_by_id('Post', '6');                -- → {"count": 0, "data": null}
SELECT deleted_at FROM public.posts WHERE id = 6;      -- → 2024-04-01 00:00:00+00 (kept)
ROLLBACK;

-- C133: soft delete_all
BEGIN;
SELECT err($q$SELECT ignis.delete_all('Post', '{}')$q$);                                   -- → error 22023
SELECT ignis.delete_all('Post', '{"status": "published"}', '{"shouldReturn": false}');     -- → {"count": 3, "data": null}
SELECT ignis.count('Post');                                                                -- → {"count": 2}
SELECT id, deleted_at = now() AS stamped_now FROM public.posts WHERE deleted_at IS NOT NULL ORDER BY id;  -- → 1, 2, 5 stamped now; 6 keeps its date
ROLLBACK;

-- C134: restore_by_id
BEGIN;
SELECT ignis.restore_by_id('Post', '6');                                   -- → {"count": 1, "data": P6 with "deletedAt": null}
SELECT ignis.find_by_id('Post', '6', '{"fields": ["id", "deletedAt"]}');   -- → {"id": 6, "deletedAt": null}
ROLLBACK;

-- C135: restoring a live row does nothing
BEGIN;
SELECT ignis.restore_by_id('Post', '1');   -- → {"count": 0, "data": null}
ROLLBACK;

-- C136: restore_all
BEGIN;
SELECT err($q$SELECT ignis.restore_all('Post')$q$);                         -- → error 22023
SELECT ignis.restore_all('Post', '{}', '{"force": true}');                  -- → {"count": 1, "data": [P6 with "deletedAt": null]}, plus a WARNING
SELECT ignis.restore_by('Post', '{"status": "published"}');                 -- → {"count": 0, "data": []}
ROLLBACK;

-- C137: hard delete
BEGIN;
SELECT ignis.delete_by_id('Post', '3', '{"shouldHardDelete": true}');                                     -- → {"count": 1, "data": P3}
SELECT count(*) FROM public.posts WHERE id = 3;                                                           -- → 0
SELECT ignis.delete_by_id('Post', '6', '{"shouldHardDelete": true}');                                     -- → {"count": 0, "data": null}
SELECT ignis.delete_by_id('Post', '6', '{"shouldHardDelete": true, "shouldSkipDefaultFilter": true}');    -- → {"count": 1, "data": P6}
SELECT count(*) FROM public.posts WHERE id = 6;                                                           -- → 0
ROLLBACK;

-- C138: soft-delete property hidden
BEGIN;
SELECT ignis.delete_by_id('Category', '2');                 -- → {"count": 1, "data": {"id": 2, "name": "Tech"}}
SELECT ignis.find('Category', '{"fields": ["id"]}');        -- → [{"id": 1}]
SELECT ignis.restore_by_id('Category', '3');                -- → {"count": 1, "data": {"id": 3, "name": "Old"}}
SELECT id, deleted_at IS NULL AS live FROM public.categories ORDER BY id;  -- → 1 live, 2 deleted, 3 live
ROLLBACK;

-- C139: restore requires soft delete
BEGIN;
SELECT err($q$SELECT ignis.restore_by_id('User', '1')$q$);               -- → error 55000
SELECT err($q$SELECT ignis.restore_all('PostTag', '{"id": 1}')$q$);      -- → error 55000
SELECT err($q$SELECT ignis.restore_by('Profile', '{"id": 1}')$q$);       -- → error 55000
ROLLBACK;

-- every row of one statement, and every call of one transaction, gets the
-- same timestamp; the rows come back after the update, ordered by id
BEGIN;
SELECT jsonb_path_query_array(ignis.delete_all('Post', '{"authorId": 1}'), '$.data[*].id') AS ids;  -- → [1, 2]
SELECT ignis.delete_by('Post', '{"id": 5}', '{"shouldReturn": false}');                             -- → {"count": 1, "data": null}
SELECT count(DISTINCT deleted_at) AS timestamps, bool_and(deleted_at = now()) AS all_now
FROM public.posts WHERE id IN (1, 2, 5);                                                            -- → 1, t
ROLLBACK;

-- with shouldSkipDefaultFilter already deleted rows are matched again and re-stamped
BEGIN;
SELECT ignis.delete_all('Post', '{"authorId": 5}', '{"shouldReturn": false}');                                     -- → {"count": 0, "data": null}
SELECT r -> 'count' AS count, (r -> 'data' -> 0 ->> 'deletedAt')::timestamptz = now() AS restamped
FROM ignis.delete_all('Post', '{"authorId": 5}', '{"shouldSkipDefaultFilter": true}') AS r;                         -- → 1, t
SELECT deleted_at = now() AS restamped FROM public.posts WHERE id = 6;                                            -- → t
ROLLBACK;

-- empty-where protection holds on soft-delete models (the default filter does not count)
BEGIN;
SELECT err($q$SELECT ignis.delete_all('Post')$q$);                       -- → error 22023
SELECT err($q$SELECT ignis.delete_by('Post', '{"and": []}')$q$);         -- → error 22023
SELECT err($q$SELECT ignis.restore_by('Post', '{}')$q$);                 -- → error 22023
SELECT err($q$SELECT ignis.restore_all('Post', '{"not": {}}')$q$);       -- → error 22023
SELECT ignis.delete_all('Post', '{}', '{"force": true, "shouldReturn": false}');   -- → {"count": 5, "data": null}, plus a WARNING
SELECT ignis.count('Post');                                                        -- → {"count": 0}
SELECT ignis.restore_all('Post', '{}', '{"force": true, "shouldReturn": false}');  -- → {"count": 6, "data": null}, plus a WARNING
SELECT count(*) FILTER (WHERE deleted_at IS NULL) AS live FROM public.posts;        -- → 6
ROLLBACK;

-- restores: the caller may constrain the soft-delete property; only deleted
-- rows are ever restored, even with shouldSkipDefaultFilter
BEGIN;
SELECT ignis.delete_all('Post', '{"id": {"inq": [1, 2]}}', '{"shouldReturn": false}');                  -- → {"count": 2, "data": null}
SELECT ignis.restore_all('Post', '{"deletedAt": {"gte": "2024-04-02"}}') -> 'data' @? '$[*] ? (@.id == 6)' AS post_6_restored;  -- → f (only the two recent ones)
SELECT id FROM public.posts WHERE deleted_at IS NOT NULL ORDER BY id;                                   -- → 6
SELECT ignis.restore_by_id('Post', '1', '{"shouldSkipDefaultFilter": true}');                           -- → {"count": 0, "data": null} (not deleted)
SELECT ignis.restore_by_id('Post', 6, '{"shouldReturn": false}');                                       -- → {"count": 1, "data": null}
SELECT ignis.restore_by_id('Post', 6);                                                                  -- → {"count": 0, "data": null}
ROLLBACK;

-- restores keep the rest of the default filter (D15): a model whose default
-- filter also restricts the category only restores its own rows
BEGIN;
SELECT ignis.register_model('NewsPost', 'public.posts', '{"naming": "camelCase", "softDelete": true, "defaultFilter": {"where": {"categoryId": 1}}}') -> 'defaultFilter' AS default_filter;
SELECT ignis.delete_by_id('Post', '2', '{"shouldReturn": false}');                  -- → {"count": 1, "data": null} (post 2 is in category 2)
SELECT ignis.restore_all('NewsPost', '{}', '{"force": true}') -> 'data' @? '$[*] ? (@.id == 2)' AS post_2_restored;  -- → f (post 6 only), plus a WARNING
SELECT id, deleted_at IS NULL AS live FROM public.posts WHERE id IN (2, 6) ORDER BY id;  -- → 2 still deleted, 6 live
SELECT ignis.restore_by_id('NewsPost', '2');                                         -- → {"count": 0, "data": null}
SELECT ignis.restore_by_id('NewsPost', '2', '{"shouldSkipDefaultFilter": true}') -> 'count' AS count;  -- → 1
ROLLBACK;

-- hard deletes on a soft-delete model: delete_all with shouldHardDelete
-- removes only live rows unless the default filter is skipped
BEGIN;
SELECT jsonb_path_query_array(ignis.delete_all('Post', '{"authorId": {"inq": [2, 5]}}', '{"shouldHardDelete": true}'), '$.data[*].id') AS deleted;  -- → [3, 4]
SELECT id FROM public.posts WHERE author_id IN (2, 5) ORDER BY id;                                                     -- → 6
SELECT ignis.delete_by('Post', '{"authorId": 5}', '{"shouldHardDelete": true, "shouldSkipDefaultFilter": true, "shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT count(*) FROM public.posts;                                                                                     -- → 3
ROLLBACK;

-- options that do not apply
BEGIN;
SELECT err($q$SELECT ignis.restore_by_id('Post', '6', '{"force": true}')$q$);             -- → error 22023, contains options.force
SELECT err($q$SELECT ignis.restore_by_id('Post', '6', '{"shouldHardDelete": true}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.restore_all('Post', '{"id": 6}', '{"shouldHardDelete": true}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.delete_by_id('Post', '1', '{"force": true}')$q$);              -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"views": 1}', '{"shouldHardDelete": true}')$q$);  -- → error 22023
ROLLBACK;

-- a soft-deleted row is invisible to updates too (C114) and to find_by_id
BEGIN;
SELECT ignis.delete_by_id('Post', '4', '{"shouldReturn": false}');   -- → {"count": 1, "data": null}
SELECT ignis.update_by_id('Post', '4', '{"views": 8}');              -- → {"count": 0, "data": null}
SELECT ignis.find_by_id('Post', '4');                                -- → null
SELECT ignis.find_by_id('Post', '4', '{"fields": ["id"]}', '{"shouldSkipDefaultFilter": true}');  -- → {"id": 4}
ROLLBACK;

-- the fixture is unchanged
SELECT id, deleted_at FROM public.posts ORDER BY id;
SELECT id, deleted_at FROM public.categories ORDER BY id;
