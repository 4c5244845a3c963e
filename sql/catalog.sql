-- catalog: describe_model, register/unregister validation (cases C001-C010).
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C001: describe_model resolves naming, hidden flags, relations
SELECT jsonb_pretty(ignis.describe_model('User'));
-- the same document, compared with the one in cases.md:
SELECT ignis.describe_model('User') = '{"name": "User", "relation": "public.users", "primaryKey": "id", "operationScope": "READ_WRITE", "softDelete": null,
 "properties": [
   {"name": "id",          "column": "id",           "type": "integer",                  "hidden": false},
   {"name": "email",       "column": "email",        "type": "text",                     "hidden": false},
   {"name": "displayName", "column": "display_name", "type": "text",                     "hidden": false},
   {"name": "password",    "column": "password",     "type": "text",                     "hidden": true},
   {"name": "role",        "column": "role",         "type": "text",                     "hidden": false},
   {"name": "age",         "column": "age",          "type": "integer",                  "hidden": false},
   {"name": "createdAt",   "column": "created_at",   "type": "timestamp with time zone", "hidden": false}],
 "defaultFilter": null,
 "relations": [
   {"name": "posts",   "type": "many", "target": "Post",    "fields": ["id"], "references": ["authorId"]},
   {"name": "profile", "type": "one",  "target": "Profile", "fields": ["id"], "references": ["userId"]}]}'::jsonb AS matches_spec;  -- → true

-- C002: soft delete adds its clause to the effective default filter; inverseOf copies reversed keys
SELECT ignis.describe_model('Category') -> 'softDelete';      -- → {"property": "deletedAt"}
SELECT ignis.describe_model('Category') -> 'defaultFilter';   -- → {"where": {"deletedAt": null}}
SELECT ignis.describe_model('Category') -> 'relations';       -- → [{"name": "posts", "type": "many", "target": "Post", "fields": ["id"], "references": ["categoryId"]}]

-- C003: unknown model
SELECT err($q$SELECT ignis.find('Nope')$q$);                                           -- → error 42704, contains "Nope"

-- C004: duplicate model name
SELECT err($q$SELECT ignis.register_model('User', 'public.users')$q$);                  -- → error 42710

-- C005: settings naming an unknown property
SELECT err($q$SELECT ignis.register_model('Tag2', 'public.tags', '{"hiddenProperties": ["nope"]}')$q$);  -- → error 42703, contains settings.hiddenProperties[0]

-- C006: unknown settings key
SELECT err($q$SELECT ignis.register_model('Tag2', 'public.tags', '{"hidenProperties": ["name"]}')$q$);   -- → error 22023, contains settings.hidenProperties

-- C007: camelCase collision (the table is created and dropped again inside a rolled-back transaction)
BEGIN;
CREATE TABLE public.clash (id integer PRIMARY KEY, a_b integer, "aB" integer);
SELECT err($q$SELECT ignis.register_model('Clash', 'public.clash', '{"naming": "camelCase"}')$q$);  -- → error 42710, contains aB
ROLLBACK;

-- C008: relation name equal to a property
SELECT err($q$SELECT ignis.register_relation('Post', 'title', 'one', 'User', '{"fields": ["authorId"], "references": ["id"]}')$q$);  -- → error 42710

-- C009: relation keys of different lengths; unknown key; through
SELECT err($q$SELECT ignis.register_relation('Post', 'writer', 'one', 'User', '{"fields": ["authorId", "categoryId"], "references": ["id"]}')$q$);  -- → error 22023
SELECT err($q$SELECT ignis.register_relation('Post', 'writer', 'one', 'User', '{"fields": ["writerId"], "references": ["id"]}')$q$);  -- → error 42703, contains settings.fields[0]
SELECT err($q$SELECT ignis.register_relation('Post', 'tagList', 'many', 'Tag', '{"through": {"model": "PostTag"}}')$q$);  -- → error 0A000

-- C010: unregister blocked by dependent relations (Post.author targets User)
SELECT err($q$SELECT ignis.unregister_model('User')$q$);   -- → error 2BP01
SELECT ignis.unregister_model('Nope');                     -- → false

-- Nothing above changed the catalog:
SELECT name FROM ignis.models ORDER BY name;
SELECT count(*) AS relations FROM ignis.relations;
