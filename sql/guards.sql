-- guards: option and argument validation, the log option, models without a
-- primary key and explicit property names (cases C142, C143, C145, C148, C149).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C142: option validation (unknown keys, keys not applicable to the function, wrong types)
SELECT err($q$SELECT ignis.find('User', '{}', '{"shouldQueryRnage": true}')$q$);         -- → error 22023, contains options.shouldQueryRnage
SELECT err($q$SELECT ignis.find('User', '{}', '{"shouldReturn": false}')$q$);            -- → error 22023, contains options.shouldReturn
SELECT err_state($q$SELECT ignis.create('Profile', '{"id": 9}', '{"shouldReturn": "no"}')$q$) AS sqlstate;  -- → 22023
SELECT err_hint($q$SELECT ignis.find('User', '{}', '{"transaction": {}}')$q$);           -- → error 22023, hint "use BEGIN/COMMIT in SQL"
SELECT ignis.find('User', '{"fields": ["id"], "limit": 1}', NULL);                       -- → [{"id": 1}]

-- C143: argument validation (a NULL model is an error, a NULL filter means {})
SELECT err($q$SELECT ignis.find(NULL)$q$);                       -- → error 22004
SELECT err($q$SELECT ignis.find('User', '[1]')$q$);              -- → error 22023
SELECT err($q$SELECT ignis.find('User', '{"where": "x"}')$q$);   -- → error 22023, contains filter.where
SELECT jsonb_array_length(ignis.find('User', NULL));             -- → 6

-- C145: log option: exactly one INFO message naming ignis.count and holding the parameters ("member")
SET client_min_messages = info;
SELECT ignis.count('User', '{"role": "member"}', '{"log": {"use": true, "level": "info"}}');  -- → {"count": 4}
SET client_min_messages = warning;

-- C148: models without a primary key (the view and its model exist only inside this transaction)
BEGIN;
CREATE VIEW public.member_emails AS SELECT email, role FROM public.users WHERE role = 'member';
SELECT ignis.register_model('MemberEmail', 'public.member_emails', '{"operationScope": "READ_ONLY"}') -> 'primaryKey' AS primary_key;  -- → null (no primary key)
SELECT ignis.find('MemberEmail', '{"fields": ["email"], "order": ["email"]}');  -- → [{"email": "bob@example.com"}, {"email": "carol@example.org"}, {"email": "davey@example.com"}, {"email": "zoe@example.fr"}]
SELECT err($q$SELECT ignis.find_by_id('MemberEmail', 'bob@example.com')$q$);     -- → error 55000
ROLLBACK;

-- C149: explicit property names (registered only inside this transaction)
BEGIN;
SELECT ignis.register_model('Person', 'public.users', '{"properties": {"name": "display_name", "joined": "created_at"}, "hiddenProperties": ["password"]}') ->> 'name' AS model;
SELECT ignis.find_by_id('Person', '2', '{"fields": ["id", "name", "joined"]}');  -- → {"id": 2, "name": "Bob", "joined": "2024-02-10T09:30:00+00:00"}
ROLLBACK;

SELECT name FROM ignis.models ORDER BY name;
SELECT count(*) FROM pg_views WHERE viewname = 'member_emails';  -- → 0
