-- write_errors: operation scopes (cases C140, C141) and the errors of the write
-- functions: argument and option validation, data validation with error
-- paths, value conversion, and PostgreSQL's own errors passed through
-- unchanged. Every case runs in a transaction that is rolled back; rejected
-- calls never leave a trace.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C140: READ_ONLY model
BEGIN;
SELECT ignis.find('Tag', '{"fields": ["id"]}');                         -- → [{"id": 1}, {"id": 2}, {"id": 3}]
SELECT err($q$SELECT ignis.create('Tag', '{"id": 4, "name": "x"}')$q$);  -- → error 42501
SELECT err($q$SELECT ignis.delete_all('Tag', '{"id": 1}')$q$);           -- → error 42501
ROLLBACK;

-- C140 (continued): every write function is rejected, and the scope is
-- checked before the other arguments (a malformed data or where, or a
-- restore on a model without soft delete, still gives 42501)
BEGIN;
SELECT err($q$SELECT ignis.create_all('Tag', '[{"id": 4, "name": "x"}]')$q$);       -- → error 42501
SELECT err($q$SELECT ignis.update_by_id('Tag', '1', '{"name": "x"}')$q$);           -- → error 42501
SELECT err($q$SELECT ignis.update_all('Tag', '{"name": "x"}', '{"id": 1}')$q$);     -- → error 42501
SELECT err($q$SELECT ignis.update_by('Tag', '{"name": "x"}', '{"id": 1}')$q$);      -- → error 42501
SELECT err($q$SELECT ignis.delete_by_id('Tag', '1')$q$);                            -- → error 42501
SELECT err($q$SELECT ignis.delete_by('Tag', '{"id": 1}')$q$);                       -- → error 42501
SELECT err($q$SELECT ignis.restore_by_id('Tag', '1')$q$);                           -- → error 42501
SELECT err($q$SELECT ignis.restore_all('Tag', '{"id": 1}')$q$);                     -- → error 42501
SELECT err($q$SELECT ignis.create('Tag', '"not an object"')$q$);                    -- → error 42501
SELECT err($q$SELECT ignis.update_all('Tag', '{}', '{"nope": 1}')$q$);              -- → error 42501
SELECT count(*) FROM public.tags;                                                   -- → 3
ROLLBACK;

-- C141: WRITE_ONLY model
BEGIN;
CREATE TABLE public.audit_log (id integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY, msg text NOT NULL);
SELECT ignis.register_model('AuditLog', 'public.audit_log', '{"operationScope": "WRITE_ONLY"}') ->> 'operationScope' AS scope;
SELECT ignis.create('AuditLog', '{"msg": "hello"}');            -- → {"count": 1, "data": {"id": 1, "msg": "hello"}}
SELECT err($q$SELECT ignis.find('AuditLog')$q$);                 -- → error 42501
SELECT err($q$SELECT ignis.count('AuditLog')$q$);                -- → error 42501
SELECT err($q$SELECT ignis.create('AuditLog', '{"id": 5, "msg": "x"}')$q$);  -- → error 428C9
-- (continued) the other reads are rejected too; writes return their rows;
-- build_query reads nothing and is allowed
SELECT err($q$SELECT ignis.find_one('AuditLog')$q$);             -- → error 42501
SELECT err($q$SELECT ignis.find_by_id('AuditLog', '1')$q$);      -- → error 42501
SELECT err($q$SELECT ignis.exists_with('AuditLog')::text$q$);    -- → error 42501
SELECT ignis.build_query('AuditLog') ? 'sql' AS build_query_allowed;                          -- → t
SELECT ignis.create_all('AuditLog', '[{"msg": "a"}, {"msg": "b"}]');                         -- → ids 2, 3
SELECT ignis.update_by_id('AuditLog', '2', '{"msg": "a2"}');                                 -- → {"count": 1, "data": {"id": 2, "msg": "a2"}}
SELECT ignis.delete_all('AuditLog', '{"id": {"gte": 2}}');                                   -- → rows 2 and 3
-- including a WRITE_ONLY model through a relation is a read
SELECT ignis.register_relation('User', 'auditLogs', 'many', 'AuditLog', '{"fields": ["id"], "references": ["id"]}') ->> 'name' AS relation;
SELECT err($q$SELECT ignis.find('User', '{"include": ["auditLogs"]}')$q$);                  -- → error 42501
ROLLBACK;

-- unknown model, NULL arguments, arguments of the wrong JSON type
BEGIN;
SELECT err($q$SELECT ignis.create('Nobody', '{}')$q$);                          -- → error 42704
SELECT err($q$SELECT ignis.create('user', '{}')$q$);                            -- → error 42704 (names are case-sensitive)
SELECT err($q$SELECT ignis.create(NULL, '{}')$q$);                              -- → error 22004
SELECT err($q$SELECT ignis.create('Profile', NULL)$q$);                         -- → error 22004
SELECT err($q$SELECT ignis.create_all('Profile', NULL)$q$);                     -- → error 22004
SELECT err($q$SELECT ignis.delete_by_id('Profile', NULL::bigint)$q$);           -- → error 22004
SELECT err($q$SELECT ignis.create('Profile', '"text"')$q$);                     -- → error 22023
SELECT err($q$SELECT ignis.create('Profile', 'null')$q$);                       -- → error 22023
SELECT err($q$SELECT ignis.update_by_id('Profile', '1', '[{"bio": "x"}]')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.update_all('Profile', '{"bio": "x"}', '[]')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.delete_all('Profile', '"id = 1"')$q$);               -- → error 22023
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9, "userId": 3}', '[]')$q$);  -- → error 22023
SELECT ignis.create('Profile', '{"id": 9, "userId": 3}', NULL);                 -- → a NULL options argument means {}
ROLLBACK;

-- create_all: element errors carry the index of the element
BEGIN;
SELECT err($q$SELECT ignis.create_all('Profile', '[{"id": 10, "userId": 3}, 5]')$q$);                       -- → error 22023, contains data[1]
SELECT err($q$SELECT ignis.create_all('Profile', '[{"id": 10}, {"id": 11}, {"id": 12, "nickname": "x"}]')$q$);  -- → error 42703, contains data[2].nickname
SELECT err($q$SELECT ignis.create_all('Profile', '[{"id": 10}, {"id": "ten"}]')$q$);                        -- → error 22P02
SELECT err($q$SELECT ignis.create_all('Post', '[{"title": "a"}, {"title": {"x": 1}}]')$q$);                 -- → error 22023, contains data[1].title
SELECT err($q$SELECT ignis.create_all('Post', '[{"title": "a"}, {"title": "b", "metadata.x": 1}]')$q$);     -- → error 22023, contains data[1]["metadata.x"]
SELECT count(*) FROM public.profiles;                                                                       -- → 3
ROLLBACK;

-- options of the write functions (api.md §4)
BEGIN;
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9}', '{"shouldRetrun": false}')$q$);        -- → error 22023, contains options.shouldRetrun
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9}', '{"shouldQueryRange": true}')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9}', '{"force": true}')$q$);                -- → error 22023
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9}', '{"shouldHardDelete": true}')$q$);     -- → error 22023
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9}', '{"isStrict": true}')$q$);             -- → error 22023
SELECT err($q$SELECT ignis.update_all('Profile', '{"bio": "x"}', '{"id": 1}', '{"shouldReturn": 0}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.delete_all('Profile', '{"id": 1}', '{"isStrict": true}')$q$);         -- → error 22023
SELECT err_hint($q$SELECT ignis.create('Profile', '{"id": 9}', '{"transaction": {}}')$q$);       -- → error 22023, hint: use BEGIN/COMMIT in SQL
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9, "userId": 3}', '{"log": {"use": "yes"}}')$q$);  -- → error 22023
-- accepted: shouldSkipDefaultFilter is ignored by creates, null means "not given"
SELECT ignis.create('Profile', '{"id": 9, "userId": 3}', '{"shouldSkipDefaultFilter": true, "shouldReturn": null}');  -- → {"count": 1, "data": {...}}
SELECT ignis.delete_by_id('Profile', '9', '{"shouldHardDelete": true, "shouldReturn": false}');                      -- → {"count": 1, "data": null} (no effect without soft delete)
ROLLBACK;

-- where errors of updates and deletes use the root "conditions"
BEGIN;
SELECT err($q$SELECT ignis.update_all('User', '{"age": 1}', '{"nickname": "x"}')$q$);               -- → error 42703, contains conditions.nickname
SELECT err($q$SELECT ignis.delete_all('User', '{"email": {"likee": "%x%"}}')$q$);                   -- → error 22023, contains conditions.email.likee
SELECT err($q$SELECT ignis.restore_all('Post', '{"or": [{"id": 1}, {"views": {"gtt": 1}}]}')$q$);   -- → error 22023, contains conditions.or[1].views.gtt
SELECT err($q$SELECT ignis.update_by('User', '{"age": 1}', '{"age": {"between": [1]}}')$q$);        -- → error 22023
ROLLBACK;

-- value conversion (write.md §2.1)
BEGIN;
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"age": "abc"}')$q$);              -- → error 22P02
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"age": 1.5}')$q$);                -- → error 22P02 (1.5 is not an integer)
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"age": 99999999999}')$q$);        -- → error 22003
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"age": true}')$q$);               -- → error 22P02
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"createdAt": "yesterday-ish"}')$q$);  -- → error 22007
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"displayName": ["A"]}')$q$);      -- → error 22023 (array for a text column)
SELECT err($q$SELECT ignis.update_by_id('User', '1', '{"displayName": {"a": 1}}')$q$);   -- → error 22023 (object for a text column)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": "intro"}')$q$);           -- → error 22023 (array column needs a JSON array)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": [["a"], "b"]}')$q$);      -- → error 22023 (not rectangular)
SELECT err($q$SELECT ignis.update_by_id('Post', '1', '{"tags": [{"a": 1}]}')$q$);        -- → error 22023
-- scalars of any JSON type are converted from their text
SELECT ignis.update_by_id('User', '1', '{"displayName": 42, "role": true, "age": "35", "createdAt": "2024-07-01 12:00:00-02"}') -> 'data';
-- → displayName "42", role "true", age 35, createdAt 2024-07-01T14:00:00+00:00
SELECT display_name, role, age, created_at FROM public.users WHERE id = 1;
ROLLBACK;

-- PostgreSQL's own errors propagate unchanged
BEGIN;
SELECT err($q$SELECT ignis.create('Post', '{"title": "x", "authorId": 99}')$q$);                       -- → error 23503
SELECT err($q$SELECT ignis.update_by_id('User', '2', '{"email": "alice@example.com"}')$q$);            -- → error 23505
SELECT err($q$SELECT ignis.create('Post', '{"title": null}')$q$);                                      -- → error 23502
ALTER TABLE public.users ADD CONSTRAINT adult CHECK (age >= 18);
SELECT err($q$SELECT ignis.update_by_id('User', '5', '{"age": 12}')$q$);                               -- → error 23514
SELECT err($q$SELECT ignis.create_all('User', '[{"id": 7, "email": "a@x"}, {"id": 8, "email": "b@x", "age": 3}]')$q$);  -- → error 23514
SELECT count(*) FROM public.users;                                                                     -- → 6
ROLLBACK;

-- generated columns: PostgreSQL refuses values for them (428C9); the returned
-- rows show the generated values
BEGIN;
CREATE TABLE public.invoices (
  id    integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  net   numeric NOT NULL,
  gross numeric GENERATED ALWAYS AS (round(net * 1.2, 2)) STORED
);
SELECT ignis.register_model('Invoice', 'public.invoices') ->> 'name' AS model;
SELECT ignis.create('Invoice', '{"net": 10}');                                   -- → {"count": 1, "data": {"id": 1, "net": 10, "gross": 12.00}}
SELECT ignis.update_by_id('Invoice', '1', '{"net": 20.5}') -> 'data';            -- → {"id": 1, "net": 20.5, "gross": 24.60}
SELECT err($q$SELECT ignis.create('Invoice', '{"net": 1, "gross": 2}')$q$);      -- → error 428C9
SELECT err($q$SELECT ignis.update_by_id('Invoice', '1', '{"gross": 2}')$q$);     -- → error 428C9
SELECT err($q$SELECT ignis.update_by_id('Invoice', '1', '{"id": 2}')$q$);        -- → error 428C9
ROLLBACK;

-- *_by_id needs a primary key (55000)
BEGIN;
CREATE VIEW public.member_emails AS SELECT email, role FROM public.users WHERE role = 'member';
SELECT ignis.register_model('MemberEmail', 'public.member_emails') ->> 'name' AS model;
SELECT err($q$SELECT ignis.update_by_id('MemberEmail', 'bob@example.com', '{"role": "x"}')$q$);   -- → error 55000
SELECT err($q$SELECT ignis.delete_by_id('MemberEmail', 'bob@example.com')$q$);                    -- → error 55000
-- the other writes work through the (auto-updatable) view
SELECT ignis.update_all('MemberEmail', '{"role": "guest"}', '{"email": "bob@example.com"}');      -- → {"count": 1, "data": [{"email": "bob@example.com", "role": "guest"}]}
ROLLBACK;

-- privileges of the calling role apply (functions are SECURITY INVOKER)
BEGIN;
CREATE ROLE regress_ignis_writer NOLOGIN;
GRANT USAGE ON SCHEMA ignis TO regress_ignis_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA ignis TO regress_ignis_writer;
GRANT SELECT ON public.profiles TO regress_ignis_writer;
SET LOCAL ROLE regress_ignis_writer;
SELECT ignis.count('Profile');                                                          -- → {"count": 3}
SELECT err($q$SELECT ignis.create('Profile', '{"id": 9, "userId": 3}')$q$);              -- → error 42501 (permission denied)
SELECT err($q$SELECT ignis.delete_by_id('Profile', '1')$q$);                             -- → error 42501
RESET ROLE;
ROLLBACK;

-- nothing above left a trace
SELECT (SELECT count(*) FROM public.users) AS users, (SELECT count(*) FROM public.profiles) AS profiles,
       (SELECT count(*) FROM public.posts) AS posts, (SELECT count(*) FROM public.tags) AS tags;
SELECT name FROM ignis.models ORDER BY name;
SELECT count(*) FROM pg_roles WHERE rolname = 'regress_ignis_writer';  -- → 0
