-- transactions: every ignis call runs in the caller's transaction (cases C146,
-- C147 and the mapping of api.md §8). Unlike the other suites, this one lets
-- failed statements abort the transaction (ON_ERROR_ROLLBACK off) where that
-- is the point of the example; the SQLSTATE of such an error is shown with
-- \echo :LAST_ERROR_SQLSTATE.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set VERBOSITY default
\set ON_ERROR_ROLLBACK on

-- C146: transactions are the caller's
BEGIN;
SELECT ignis.create('Profile', '{"id": 20, "userId": 4}', '{"shouldReturn": false}');   -- → {"count": 1, "data": null}
SELECT ignis.count('Profile');                                                          -- → {"count": 4}
ROLLBACK;
SELECT ignis.count('Profile');                                                          -- → {"count": 3}

-- C147: a failed call is atomic and recoverable with a savepoint
\set ON_ERROR_ROLLBACK off
BEGIN;
SAVEPOINT a;
SELECT ignis.update_all('User', '{"email": "same@example.com"}', '{"role": "member"}');  -- → error 23505, nothing changed
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT a;
SELECT ignis.count('User', '{"email": "same@example.com"}');                            -- → {"count": 0}
COMMIT;
\set ON_ERROR_ROLLBACK on
SELECT id, email FROM public.users ORDER BY id;                                          -- → unchanged

-- api.md §8, the mapping of Ignis transactions:
--   repo.beginTransaction({isolationLevel: 'SERIALIZABLE'})  →  BEGIN ISOLATION LEVEL SERIALIZABLE
--   options: {transaction: tx}                               →  nothing: calls run in the current transaction
--   tx.commit() / tx.rollback()                              →  COMMIT / ROLLBACK
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT current_setting('transaction_isolation') AS isolation;                        -- → serializable
SELECT ignis.create('Profile', '{"id": 20, "userId": 4, "bio": "Dave"}');            -- → {"count": 1, "data": {"id": 20, "userId": 4, "bio": "Dave"}}
SELECT ignis.update_by_id('Profile', '20', '{"bio": "Dave, edited"}') -> 'data' ->> 'bio' AS bio;  -- → Dave, edited (sees the row created above)
SELECT ignis.delete_by_id('PostTag', '5', '{"shouldReturn": false}');                -- → {"count": 1, "data": null}
SELECT ignis.find('Profile', '{"where": {"id": {"gte": 3}}}');                       -- → [PR3, {"id": 20, "userId": 4, "bio": "Dave, edited"}]
ROLLBACK;
SELECT ignis.find_by_id('Profile', '20') AS profile_20, ignis.count('PostTag') AS post_tags;  -- → null, {"count": 5}

-- SET TRANSACTION as the first statement works the same way (psql's
-- ON_ERROR_ROLLBACK savepoints would make it a subtransaction: switched off)
\set ON_ERROR_ROLLBACK off
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT current_setting('transaction_isolation') AS isolation;                        -- → repeatable read
SELECT ignis.update_all('User', '{"role": "staff"}', '{"role": "guest"}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT ignis.count('User', '{"role": "staff"}');                                     -- → {"count": 1}
ROLLBACK;
\set ON_ERROR_ROLLBACK on

-- the Ignis option "transaction" does not exist here
SELECT err_hint($q$SELECT ignis.update_by_id('User', '1', '{"age": 35}', '{"transaction": {"id": 1}}')$q$);  -- → error 22023, hint: use BEGIN/COMMIT in SQL

-- catching an error and continuing: SAVEPOINT ... ROLLBACK TO SAVEPOINT keeps
-- the work done before the savepoint
\set ON_ERROR_ROLLBACK off
BEGIN;
SELECT ignis.create('Profile', '{"id": 20, "userId": 4}', '{"shouldReturn": false}');                       -- → {"count": 1, "data": null}
SAVEPOINT before_batch;
SELECT ignis.create_all('Profile', '[{"id": 21, "userId": 6}, {"id": 22, "userId": 4}]', '{"shouldReturn": false}');  -- → error 23505 (user 4 has a profile now)
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT before_batch;
SELECT ignis.create_all('Profile', '[{"id": 21, "userId": 6}]', '{"shouldReturn": false}');                 -- → {"count": 1, "data": null}
COMMIT;
\set ON_ERROR_ROLLBACK on
SELECT id, user_id FROM public.profiles ORDER BY id;                                 -- → 1, 2, 3, 20, 21 (committed)
SELECT ignis.delete_all('Profile', '{"id": {"inq": [20, 21]}}', '{"shouldReturn": false}');  -- → {"count": 2, "data": null} (autocommit: back to the fixture)
SELECT ignis.count('Profile');                                                       -- → {"count": 3}

-- the same recovery inside PL/pgSQL with a BEGIN ... EXCEPTION block
BEGIN;
DO $$
DECLARE
  r jsonb;
BEGIN
  BEGIN
    r := ignis.create_all('Profile', '[{"id": 21, "userId": 6}, {"id": 22, "userId": 1}]');
  EXCEPTION WHEN unique_violation THEN
    RAISE WARNING 'create_all failed with %: %', SQLSTATE, SQLERRM;
  END;
  r := ignis.create('Profile', '{"id": 23, "userId": 3}', '{"shouldReturn": false}');
  RAISE WARNING 'then create returned %', r;
END $$;
SELECT id, user_id FROM public.profiles ORDER BY id;                                 -- → 1, 2, 3, 23 (nothing of the failed create_all)
ROLLBACK;

-- using a transaction after an error: every statement raises 25P02 until ROLLBACK
\set ON_ERROR_ROLLBACK off
BEGIN;
SELECT ignis.update_by_id('User', '1', '{"age": "old"}');                             -- → error 22P02
\echo :LAST_ERROR_SQLSTATE
SELECT ignis.count('User');                                                           -- → error 25P02
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set ON_ERROR_ROLLBACK on
SELECT ignis.count('User');                                                           -- → {"count": 6}

-- every call is atomic: an update_all that fails on its last row (user 6)
-- changes no row at all, and an earlier call of the same transaction keeps
-- its effect
\set ON_ERROR_ROLLBACK off
BEGIN;
ALTER TABLE public.users ADD CONSTRAINT not_x_for_6 CHECK (id < 6 OR display_name IS DISTINCT FROM 'X');
SELECT ignis.update_by_id('User', '2', '{"age": 28}', '{"shouldReturn": false}');      -- → {"count": 1, "data": null}
SAVEPOINT s;
SELECT ignis.update_all('User', '{"displayName": "X"}', '{"id": {"gte": 1}}');        -- → error 23514 (rows 1-5 were fine)
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT s;
SELECT id, display_name, age FROM public.users ORDER BY id;                            -- → no "X" anywhere, user 2 is 28
ROLLBACK;
\set ON_ERROR_ROLLBACK on

-- no transaction (autocommit): each call commits on its own
SELECT ignis.create('Profile', '{"id": 20, "userId": 4}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT ignis.count('Profile');                                                         -- → {"count": 4} (committed)
SELECT ignis.delete_by_id('Profile', '20');                                            -- → {"count": 1, "data": {"id": 20, "userId": 4, "bio": null}}
SELECT ignis.count('Profile');                                                         -- → {"count": 3}

-- the fixture is unchanged
SELECT (SELECT count(*) FROM public.users) AS users, (SELECT count(*) FROM public.profiles) AS profiles,
       (SELECT count(*) FROM public.post_tags) AS post_tags;
SELECT id, email, display_name, age FROM public.users ORDER BY id;
