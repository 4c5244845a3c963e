-- Safety by construction: a hostile search_path changes nothing, every
-- function runs as the caller (privileges, column privileges and row-level
-- security apply as if the caller had written the SQL).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;

-- A schema that shadows everything the generated SQL uses: a table named
-- like the model's, an "=" on integers that is always true, a "+" on bigint
-- that subtracts, and a json_agg that returns nothing.
CREATE SCHEMA evil;
CREATE TABLE evil.users (id integer, email text);
INSERT INTO evil.users VALUES (666, 'mallory@example.com');
CREATE FUNCTION evil.always(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.always);
CREATE FUNCTION evil.minus(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT $1 - $2';
CREATE OPERATOR evil.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.minus);
CREATE FUNCTION evil.json_agg(anyelement) RETURNS json LANGUAGE sql AS 'SELECT ''[]''::json';

SET search_path = evil, pg_catalog, public;
SELECT ignis.find('User', '{"where": {"age": 27}, "fields": ["id"]}');             -- → [{"id": 2}, {"id": 6}]
SELECT ignis.count('User', '{"id": 3}');                                             -- → {"count": 1}
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}', '{"shouldQueryRange": true}');
-- → {"data": [{"id": 3}, {"id": 4}], "range": {"start": 2, "end": 3, "total": 6}}
SELECT ignis.find_by_id('Post', 1, '{"fields": ["id"], "include": ["author"]}') -> 'author' ->> 'email';  -- → alice@example.com
BEGIN;
SELECT ignis.update_all('User', '{"age": 28}', '{"id": 2}', '{"shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT ignis.create_all('Profile', '[{"id": 10, "userId": 3}, {"id": 11, "userId": 4}]', '{"shouldReturn": false}');  -- → {"count": 2, "data": null}
ROLLBACK;
RESET search_path;
DROP SCHEMA evil CASCADE;

-- Privileges are the caller's.
CREATE ROLE regress_ignis_reader;
GRANT SELECT (id, email, display_name) ON public.users TO regress_ignis_reader;
GRANT SELECT ON public.posts TO regress_ignis_reader;
SET ROLE regress_ignis_reader;
SELECT ignis.find('User', '{"fields": ["id", "email"], "limit": 2}');     -- column privileges allow it
SELECT err($q$SELECT ignis.find('User', '{"fields": ["id", "age"]}')$q$);  -- → 42501: no SELECT on "age"
SELECT err($q$SELECT ignis.find('Profile')$q$);                          -- → 42501: no SELECT on profiles
SELECT err($q$SELECT ignis.delete_by_id('Post', 1)$q$);                  -- → 42501: no UPDATE on posts
RESET ROLE;

-- Row-level security applies to every read and write.
ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_alice ON public.posts TO regress_ignis_reader USING (author_id = 1);
SET ROLE regress_ignis_reader;
SELECT ignis.find('Post', '{"fields": ["id", "authorId"]}');            -- → only Alice's posts
SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}'); -- → {"count": 2}
RESET ROLE;
SELECT ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}'); -- the owner is not subject to it → {"count": 6}
DROP POLICY only_alice ON public.posts;
ALTER TABLE public.posts DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.users, public.posts FROM regress_ignis_reader;
DROP ROLE regress_ignis_reader;
