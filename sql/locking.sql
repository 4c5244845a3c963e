-- Row locking on reads (options.lock, beyond the spec as Ignis' 2026
-- repositories have it): find, find_one and find_by_id can lock the rows
-- they return, FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE,
-- optionally SKIP LOCKED or NOWAIT.  Only the model's own rows are locked,
-- never the related rows of includes.  specs/lock_queue.spec shows two
-- sessions sharing a job queue.
SET TimeZone = 'UTC';
SET client_min_messages = warning;

-- A lock lasts until the transaction ends, so a locking read needs one:
-- outside BEGIN ... COMMIT it is refused.
-- (Inside a function or a savepoint, ignis cannot tell whether the caller
-- opened the transaction, and the call is allowed.)
\set VERBOSITY sqlstate
SELECT ignis.find('Post', '{"limit": 1}', '{"lock": {"strength": "update"}}');
\set VERBOSITY default
SELECT ignis.find_by_id('Post', 1, '{}', '{"lock": {"strength": "share"}}');

BEGIN;
-- the locked rows are returned as usual
SELECT ignis.find('Post', '{"fields": ["id", "title"], "order": "id", "limit": 2}',
                  '{"lock": {"strength": "update"}}');
SELECT ignis.find_one('Post', '{"fields": ["id"], "where": {"status": "draft"}}',
                      '{"lock": {"strength": "noKeyUpdate", "skipLocked": true}}');
SELECT ignis.find_by_id('Post', 2, '{"fields": ["id", "views"]}',
                        '{"lock": {"strength": "keyShare", "config": {"noWait": true}}}');
-- with includes (the related users are read, not locked) and with a range
SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "include": [{"relation": "author", "scope": {"fields": ["id"]}}], "order": "id", "limit": 2}',
                  '{"lock": {"strength": "share"}, "shouldQueryRange": true}');
-- the rows really are locked by this transaction
SELECT count(*) AS locked_by_me
FROM public.posts p
WHERE p.id IN (1, 2) AND p.xmax = pg_catalog.txid_current()::text::xid;
COMMIT;

-- build_query shows the locking clause; it runs nothing, so it needs no
-- transaction.
SELECT ignis.build_query('Post', '{"fields": ["id"], "limit": 3}',
                         '{"lock": {"strength": "update", "skipLocked": true}}') ->> 'sql' AS sql;

-- Errors name the place in the options.
SELECT err_hint($q$SELECT ignis.find('Post', '{}', '{"lock": {"strength": "updat"}}')$q$);
SELECT err($q$SELECT ignis.find('Post', '{}', '{"lock": {"skipLocked": true}}')$q$);
SELECT err($q$SELECT ignis.find('Post', '{}', '{"lock": "update"}')$q$);
SELECT err_hint($q$SELECT ignis.find('Post', '{}', '{"lock": {"strength": "update", "skiplocked": true}}')$q$);
SELECT err($q$SELECT ignis.find('Post', '{}', '{"lock": {"strength": "update", "noWait": "yes"}}')$q$);
SELECT err_hint($q$SELECT ignis.find('Post', '{}', '{"lock": {"strength": "update", "skipLocked": true, "config": {"noWait": true}}}')$q$);
SELECT err($q$SELECT ignis.find('Post', '{}', '{"lock": {"strength": "update", "config": {"wait": false}}}')$q$);
SELECT err($q$SELECT ignis.count('Post', '{}', '{"lock": {"strength": "update"}}')$q$);
SELECT err($q$SELECT ignis.update_all('Post', '{"views": 1}', '{"id": 1}', '{"lock": {"strength": "update"}}')$q$);
