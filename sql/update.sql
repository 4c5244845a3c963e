-- update: update_by_id, update_all and update_by with regular keys (cases
-- C113-C119), the default filter on updates and empty-where protection.
-- Every case runs in a transaction that is rolled back, so each one starts
-- from the fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C113: update_by_id is partial and returns the new row
BEGIN;
SELECT ignis.update_by_id('User', '2', '{"displayName": "Bobby", "age": 28}');
-- → {"count": 1, "data": {"id": 2, "email": "bob@example.com", "displayName": "Bobby", "role": "member", "age": 28, "createdAt": "2024-02-10T09:30:00+00:00"}}
SELECT id, email, display_name, password, role, age FROM public.users WHERE id = 2;  -- → other columns unchanged
ROLLBACK;

-- C114: no matching row; soft-deleted row
BEGIN;
SELECT ignis.update_by_id('User', '99', '{"age": 1}');                                                 -- → {"count": 0, "data": null}
SELECT ignis.update_by_id('Post', '6', '{"views": 11}');                                               -- → {"count": 0, "data": null}
SELECT ignis.update_by_id('Post', '6', '{"views": 11}', '{"shouldSkipDefaultFilter": true, "shouldReturn": false}');  -- → {"count": 1, "data": null}
SELECT views FROM public.posts WHERE id = 6;                                                           -- → 11
ROLLBACK;

-- C115: update_all returns rows ordered by primary key
BEGIN;
SELECT ignis.update_all('User', '{"role": "senior"}', '{"age": {"gte": 34}}');
-- → {"count": 2, "data": [{"id": 1, "email": "alice@example.com", "displayName": "Alice", "role": "senior", "age": 34, "createdAt": "2024-01-05T10:00:00+00:00"},
--                         {"id": 4, "email": "dave_x@example.com", "displayName": "Dave_X", "role": "senior", "age": 41, "createdAt": "2024-04-20T08:00:00+00:00"}]}
ROLLBACK;

-- C116: shouldReturn false; update_by alias; nothing matched
BEGIN;
SELECT ignis.update_all('User', '{"age": 50}', '{"role": "member"}', '{"shouldReturn": false}');  -- → {"count": 4, "data": null}
SELECT ignis.update_by('User', '{"age": 51}', '{"role": "guest"}', '{"shouldReturn": false}');    -- → {"count": 1, "data": null}
SELECT ignis.update_all('User', '{"age": 52}', '{"role": "nobody"}');                             -- → {"count": 0, "data": []}
SELECT id, role, age FROM public.users ORDER BY id;                                               -- → members 50, the guest 51, the admin unchanged
ROLLBACK;

-- C117: empty-where protection
BEGIN;
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{}')$q$);            -- → error 22023, contains force
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{"and": []}')$q$);   -- → error 22023
SELECT err($q$SELECT ignis.update_all('Post', '{"views": 1}', '{}')$q$);             -- → error 22023 (the default filter does not count)
SET client_min_messages = warning;
SELECT ignis.update_all('User', '{"role": "x"}', '{}', '{"force": true, "shouldReturn": false}');
-- → {"count": 6, "data": null}, plus one WARNING containing "empty condition"
SELECT ignis.update_all('User', '{"role": "y"}', '{"or": []}');                      -- → {"count": 0, "data": []}
ROLLBACK;

-- C117 (continued): other wheres that compile to no condition are empty too;
-- with force the default filter still applies (post 6 is not touched)
BEGIN;
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{"and": [{}]}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{"or": [{}]}')$q$);   -- → error 22023
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{"not": {}}')$q$);    -- → error 22023
SELECT err($q$SELECT ignis.update_by('User', '{"role": "x"}', '{}')$q$);              -- → error 22023
SELECT err($q$SELECT ignis.update_all('User', '{"role": "x"}', '{}', '{"force": false}')$q$);  -- → error 22023
SELECT ignis.update_all('Post', '{"views": 1}', '{}', '{"force": true, "shouldReturn": false}');  -- → {"count": 5, "data": null}, plus a WARNING
SELECT id, views FROM public.posts ORDER BY id;                                                  -- → 1 everywhere except post 6 (10)
ROLLBACK;

-- C118: update validation
BEGIN;
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{}')$q$);                          -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"nickname": "a"}')$q$);           -- → error 42703, contains data.nickname
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"email": null}')$q$);             -- → error 23502
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"role": "x"}', '{"force": true}')$q$);  -- → error 22023, contains options.force
SELECT err($q$SELECT ignis.update_all('User', '{}', '{"id": 1}')$q$);                    -- → error 22023 (empty data, update_all too)
ROLLBACK;

-- C119: hidden properties can be written but are not returned
BEGIN;
SELECT ignis.update_by_id('User', '3', '{"password": "new-secret"}');  -- → {"count": 1, "data": U3}
SELECT password FROM public.users WHERE id = 3;                        -- → new-secret
ROLLBACK;

-- the id argument: text, bigint and uuid overloads; the text is converted
-- with the primary key type's input function
BEGIN;
SELECT ignis.update_by_id('User', 2, '{"age": 29}') -> 'data' -> 'age' AS age;         -- → 29 (bigint id)
SELECT err($q$SELECT ignis.update_by_id('User', 'two', '{"age": 1}')$q$);              -- → error 22P02
SELECT err($q$SELECT ignis.update_by_id('User', NULL::text, '{"age": 1}')$q$);         -- → error 22004
SELECT err($q$SELECT ignis.update_by_id('User', '2', NULL)$q$);                        -- → error 22004
ROLLBACK;

-- a uuid primary key: the uuid overload, or text converted to uuid
BEGIN;
CREATE TABLE public.tokens (id uuid PRIMARY KEY, label text NOT NULL);
INSERT INTO public.tokens VALUES ('00000000-0000-0000-0000-000000000001', 'one'), ('00000000-0000-0000-0000-000000000002', 'two');
SELECT ignis.register_model('Token', 'public.tokens') ->> 'name' AS model;
SELECT ignis.update_by_id('Token', '00000000-0000-0000-0000-000000000001'::uuid, '{"label": "uno"}');  -- → {"count": 1, "data": {"id": "00000000-0000-0000-0000-000000000001", "label": "uno"}}
SELECT ignis.update_by_id('Token', '00000000-0000-0000-0000-000000000002', '{"label": "dos"}') -> 'data' ->> 'label' AS label;  -- → dos
SELECT err($q$SELECT ignis.update_by_id('Token', 'not-a-uuid', '{"label": "x"}')$q$);                -- → error 22P02
SELECT err($q$SELECT ignis.update_by_id('Token', 1, '{"label": "x"}')$q$);                           -- → error 22P02 (1 is not a uuid)
ROLLBACK;

-- setting the primary key is allowed; a JSON null writes SQL NULL
BEGIN;
SELECT ignis.update_by_id('Profile', '3', '{"id": 30, "bio": "moved"}');       -- → {"count": 1, "data": {"id": 30, "userId": 5, "bio": "moved"}}
SELECT ignis.update_by_id('Profile', '1', '{"bio": null}') -> 'data';          -- → {"id": 1, "userId": 1, "bio": null}
SELECT id, user_id, bio, bio IS NULL AS bio_is_null FROM public.profiles ORDER BY id;
ROLLBACK;

-- array and jsonb columns given whole replace the whole value; the other
-- columns of the row keep their values
BEGIN;
SELECT ignis.update_by_id('Post', '1', '{"tags": ["a", null, "c"], "metadata": {"replaced": true}, "publishedAt": null}') -> 'data';
-- → tags ["a", null, "c"], metadata {"replaced": true}, publishedAt null, everything else as in P1
SELECT tags, metadata, published_at FROM public.posts WHERE id = 1;
SELECT ignis.update_by_id('Post', '2', '{"metadata": null, "tags": []}') -> 'data' -> 'metadata' AS metadata;  -- → null
SELECT metadata IS NULL AS sql_null, tags FROM public.posts WHERE id = 2;                                     -- → t, {}
ROLLBACK;

-- the default filter applies to update_all: post 6 (soft-deleted) is left out
-- unless shouldSkipDefaultFilter is given
BEGIN;
SELECT ignis.update_all('Post', '{"status": "featured"}', '{"tags": {"contains": ["news"]}}', '{"shouldReturn": false}');  -- → {"count": 2, "data": null} (posts 1 and 5)
SELECT ignis.update_all('Post', '{"status": "featured"}', '{"tags": {"contains": ["news"]}}', '{"shouldSkipDefaultFilter": true}') -> 'data' @@ '$[*].id == 6' AS post_6_included;  -- → t
SELECT id, status FROM public.posts ORDER BY id;
ROLLBACK;

-- updates return the stored state: BEFORE trigger changes included
BEGIN;
CREATE FUNCTION public.upper_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.title := upper(NEW.title); RETURN NEW; END $$;
CREATE TRIGGER upper_title BEFORE UPDATE ON public.posts FOR EACH ROW EXECUTE FUNCTION public.upper_title();
SELECT ignis.update_by_id('Post', '3', '{"title": "shouting"}') -> 'data' ->> 'title' AS title;  -- → SHOUTING
ROLLBACK;

-- the fixture is unchanged
SELECT id, email, display_name, password, role, age FROM public.users ORDER BY id;
SELECT id, status, views, deleted_at FROM public.posts ORDER BY id;
