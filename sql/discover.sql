-- discover: ignis.discover(schema, options) registers a schema's relations as
-- models and its foreign keys as relations (docs/discover.md).  Everything
-- happens inside transactions that are rolled back, so later suites see the
-- plain fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- argument validation
SELECT err($q$ SELECT ignis.discover(NULL) $q$);                                 -- 22004
SELECT err($q$ SELECT ignis.discover('no_such_schema') $q$);                     -- 3F000
SELECT err($q$ SELECT ignis.discover('public', '[]') $q$);                       -- 22023
SELECT err($q$ SELECT ignis.discover('public', '{"skipp": []}') $q$);            -- 22023, options.skipp
SELECT err($q$ SELECT ignis.discover('public', '{"naming": "snake"}') $q$);      -- 22023
SELECT err($q$ SELECT ignis.discover('public', '{"modelNames": "camel"}') $q$);  -- 22023
SELECT err($q$ SELECT ignis.discover('public', '{"skip": "users"}') $q$);        -- 22023
SELECT err($q$ SELECT ignis.discover('public', '{"skip": [1]}') $q$);            -- 22023
SELECT err($q$ SELECT ignis.discover('public', '{"skip": ["no_such_table"]}') $q$);  -- 42P01
SELECT count(*) AS models_after_errors FROM ignis.models;                        -- 6: nothing registered

BEGIN;

-- a schema with most shapes: a self-referencing key, two keys to the same
-- table, a composite key, a key whose many side clashes with a column, a
-- duplicated key, views, a materialized view, a partitioned table, a foreign
-- table, a table whose columns collide under camelCase and a skipped table
CREATE SCHEMA disc;
CREATE TABLE disc.users (
  id        integer PRIMARY KEY,
  full_name text NOT NULL,
  email     text UNIQUE
);
CREATE TABLE disc.categories (
  id        integer PRIMARY KEY,
  parent_id integer REFERENCES disc.categories,
  name      text NOT NULL
);
CREATE TABLE disc.posts (
  id          integer PRIMARY KEY,
  author_id   integer NOT NULL REFERENCES disc.users,
  editor_id   integer REFERENCES disc.users,
  category_id integer REFERENCES disc.categories,
  title       text NOT NULL,
  comments    jsonb
);
CREATE TABLE disc.comments (
  id      integer PRIMARY KEY,
  post_id integer NOT NULL REFERENCES disc.posts,
  body    text NOT NULL,
  CONSTRAINT comments_post_again FOREIGN KEY (post_id) REFERENCES disc.posts
);
CREATE TABLE disc.regions (
  country text,
  code    text,
  name    text NOT NULL,
  PRIMARY KEY (country, code)
);
CREATE TABLE disc.offices (
  id          integer PRIMARY KEY,
  country     text,
  region_code text,
  city        text NOT NULL,
  FOREIGN KEY (country, region_code) REFERENCES disc.regions
);
CREATE TABLE disc.audit_log (id integer PRIMARY KEY, user_id integer REFERENCES disc.users);
CREATE TABLE disc.legacy (id integer PRIMARY KEY, user_id integer, "userId" integer);
CREATE TABLE disc.events (
  id      integer,
  at      date,
  user_id integer REFERENCES disc.users,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE disc.events_2024 PARTITION OF disc.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW disc.active_users AS SELECT id, full_name FROM disc.users WHERE email IS NOT NULL;
CREATE VIEW disc.author_stats AS SELECT author_id, count(*) AS n FROM disc.posts GROUP BY author_id;
CREATE MATERIALIZED VIEW disc.post_counts AS SELECT author_id, count(*) AS n FROM disc.posts GROUP BY author_id;
CREATE FOREIGN DATA WRAPPER disc_fdw;
CREATE SERVER disc_server FOREIGN DATA WRAPPER disc_fdw;
CREATE FOREIGN TABLE disc.remote_items (id integer, label text) SERVER disc_server;
CREATE TABLE disc.a_table_name_long_enough_to_make_relation_names_overflow (
  id                       integer PRIMARY KEY,
  first_user_reference_id  integer REFERENCES disc.users,
  second_user_reference_id integer REFERENCES disc.users
);

INSERT INTO disc.users VALUES (1, 'Ann', 'ann@example.com'), (2, 'Ben', NULL), (3, 'Cy', 'cy@example.com');
INSERT INTO disc.categories VALUES (1, NULL, 'root'), (2, 1, 'tech'), (3, 2, 'databases'), (4, 1, 'life');
INSERT INTO disc.posts VALUES
  (10, 1, 2, 3, 'Indexes', NULL), (11, 1, NULL, 2, 'Planner', '[1]'), (12, 2, 1, 4, 'Gardening', NULL);
INSERT INTO disc.comments VALUES (100, 10, 'nice'), (101, 10, 'thanks'), (102, 12, 'green');
INSERT INTO disc.regions VALUES ('FR', 'IDF', 'Île-de-France'), ('FR', 'PAC', 'Provence');
INSERT INTO disc.offices VALUES (1, 'FR', 'IDF', 'Paris'), (2, 'FR', 'PAC', 'Nice'), (3, NULL, NULL, 'Remote');

-- first run
SELECT ignis.discover('disc', '{"naming": "camelCase", "skip": ["audit_log"]}') AS report \gset
SELECT jsonb_array_elements_text(:'report'::jsonb -> 'models') AS registered_model;
SELECT * FROM jsonb_to_recordset(:'report'::jsonb -> 'relations') AS r(model text, name text, type text, target text);
SELECT * FROM jsonb_to_recordset(:'report'::jsonb -> 'skipped') AS s(object text, reason text);

-- what was registered
SELECT name, relid, settings ->> 'primaryKey' AS primary_key, settings ->> 'operationScope' AS scope
  FROM ignis.models WHERE relid::text LIKE 'disc.%' ORDER BY name;
SELECT model, name, type, target, fields, refs
  FROM ignis.relations WHERE model IN (SELECT name FROM ignis.models WHERE relid::text LIKE 'disc.%')
  ORDER BY model, name;

-- includes through the discovered relations
SELECT ignis.find('Users', '{"fields": ["fullName"], "include": [
  {"relation": "postsByAuthorId", "scope": {"fields": ["title"], "include": [
    {"relation": "editor", "scope": {"fields": ["fullName"]}},
    {"relation": "commentsByPostId", "scope": {"fields": ["body"]}}]}},
  {"relation": "postsByEditorId", "scope": {"fields": ["title"]}}]}');
-- self-referencing key: parent and children (named after the table)
SELECT ignis.find('Categories', '{"fields": ["name"], "include": [
  {"relation": "parent", "scope": {"fields": ["name"]}},
  {"relation": "categories", "scope": {"fields": ["name"]}}]}');
-- composite key, both directions
SELECT ignis.find('Offices', '{"fields": ["city"], "include": [{"relation": "regions", "scope": {"fields": ["name"]}}]}');
SELECT ignis.find('Regions', '{"order": ["code"], "fields": ["code"], "include": [{"relation": "offices", "scope": {"fields": ["city"]}}]}');
-- one level more: comment -> post -> author, and the view (READ_ONLY where PostgreSQL cannot write)
SELECT ignis.find('Comments', '{"where": {"id": 102}, "fields": ["body"], "include": [{"relation": "post", "scope": {"fields": ["title"], "include": [{"relation": "author", "scope": {"fields": ["fullName"]}}]}}]}');
SELECT ignis.find('ActiveUsers', '{"order": ["id"]}');
SELECT ignis.find('AuthorStats', '{"order": ["authorId"]}');
SELECT ignis.describe_model('AuthorStats') ->> 'operationScope' AS author_stats_scope;  -- READ_ONLY

-- second run: idempotent, nothing new, everything reported as skipped
SELECT ignis.discover('disc', '{"naming": "camelCase", "skip": ["audit_log"]}') AS report \gset
SELECT jsonb_array_length(:'report'::jsonb -> 'models') AS models,
       jsonb_array_length(:'report'::jsonb -> 'relations') AS relations;
SELECT * FROM jsonb_to_recordset(:'report'::jsonb -> 'skipped') AS s(object text, reason text);
SELECT count(*) AS disc_relations FROM ignis.relations
  WHERE model IN (SELECT name FROM ignis.models WHERE relid::text LIKE 'disc.%');

-- a relation replaced by hand is left alone and reported; a removed one comes back
SELECT ignis.unregister_relation('Posts', 'editor');
SELECT ignis.unregister_relation('Posts', 'author');
SELECT ignis.register_relation('Posts', 'author', 'one', 'Users', '{"fields": ["editorId"], "references": ["id"]}') ->> 'name';
SELECT ignis.discover('disc', '{"naming": "camelCase", "skip": ["audit_log"]}') AS report \gset
SELECT :'report'::jsonb -> 'relations' AS relations;
SELECT * FROM jsonb_to_recordset(:'report'::jsonb -> 'skipped') AS s(object text, reason text)
  WHERE object LIKE 'Posts.%';

-- another schema with a table of the same name: the model name is taken;
-- modelNames "table" and identity naming keep table and column names
CREATE SCHEMA disc2;
CREATE TABLE disc2.users (id integer PRIMARY KEY, user_name text);
CREATE TABLE disc2.user_notes (note_id integer PRIMARY KEY, "userId" integer REFERENCES disc2.users, body text);
SELECT ignis.discover('disc2');
SELECT ignis.discover('disc2', '{"modelNames": "table"}');
INSERT INTO disc2.users VALUES (1, 'ann');
INSERT INTO disc2.user_notes VALUES (7, 1, 'hello');
SELECT ignis.find('users', '{"include": ["user_notes"]}');
SELECT ignis.find('user_notes', '{"include": ["user"]}');

ROLLBACK;

-- discovery on a copy of the behaviour-spec fixture (cases.md §1.1) makes
-- includes work without any hand registration
BEGIN;
CREATE SCHEMA d;
CREATE TABLE d.users (
  id           integer PRIMARY KEY,
  email        text NOT NULL UNIQUE,
  display_name text,
  password     text,
  role         text NOT NULL DEFAULT 'member',
  age          integer,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE d.profiles (
  id      integer PRIMARY KEY,
  user_id integer UNIQUE REFERENCES d.users(id),
  bio     text
);
CREATE TABLE d.categories (
  id         integer PRIMARY KEY,
  name       text NOT NULL,
  deleted_at timestamptz
);
CREATE TABLE d.posts (
  id           integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (START WITH 100),
  author_id    integer REFERENCES d.users(id),
  category_id  integer REFERENCES d.categories(id),
  title        text NOT NULL,
  status       text NOT NULL DEFAULT 'draft',
  views        integer NOT NULL DEFAULT 0,
  tags         text[],
  metadata     jsonb,
  published_at timestamptz,
  deleted_at   timestamptz
);
CREATE TABLE d.tags (
  id   integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);
CREATE TABLE d.post_tags (
  id      integer PRIMARY KEY,
  post_id integer NOT NULL REFERENCES d.posts(id),
  tag_id  integer NOT NULL REFERENCES d.tags(id)
);
INSERT INTO d.users SELECT * FROM public.users;
INSERT INTO d.profiles SELECT * FROM public.profiles;
INSERT INTO d.categories SELECT * FROM public.categories;
INSERT INTO d.posts OVERRIDING SYSTEM VALUE SELECT * FROM public.posts;
INSERT INTO d.tags SELECT * FROM public.tags;
INSERT INTO d.post_tags SELECT * FROM public.post_tags;

SELECT ignis.discover('d', '{"naming": "camelCase"}') AS report \gset
SELECT :'report'::jsonb -> 'models' AS models, :'report'::jsonb -> 'skipped' AS skipped;
SELECT * FROM jsonb_to_recordset(:'report'::jsonb -> 'relations') AS r(model text, name text, type text, target text);

-- many-to-many through the junction, three levels deep
SELECT ignis.find('Users', '{"where": {"id": [1, 2]}, "fields": ["id"], "include": [
  {"relation": "posts", "scope": {"fields": ["id"], "include": [
    {"relation": "postTags", "scope": {"fields": ["id"], "include": [{"relation": "tag", "scope": {"fields": ["name"]}}]}}]}},
  {"relation": "profiles", "scope": {"fields": ["bio"]}}]}');
SELECT ignis.find('Tags', '{"fields": ["name"], "include": [{"relation": "postTags", "scope": {"fields": ["id"], "include": [{"relation": "post", "scope": {"fields": ["title"]}}]}}]}');
-- the discovered models behave like the hand-registered fixture ones (which
-- add hidden properties and soft delete, hence the options below)
SELECT ignis.find('Posts', '{"fields": ["id", "title"], "include": [{"relation": "author", "scope": {"fields": ["id", "email"]}}, {"relation": "category", "scope": {"fields": ["name"]}}]}')
     = ignis.find('Post', '{"fields": ["id", "title"], "include": [{"relation": "author", "scope": {"fields": ["id", "email"]}}, {"relation": "category", "scope": {"fields": ["name"]}, "shouldSkipDefaultFilter": true}]}',
                  '{"shouldSkipDefaultFilter": true}') AS same_result;
SELECT ignis.find_by_id('Categories', '1', '{"fields": ["name"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}');
ROLLBACK;

-- the default schema is public: there it registers the fixture tables a
-- second time, under their PascalCase table names
BEGIN;
SELECT ignis.discover() -> 'models' AS models;
SELECT ignis.find_by_id('Users', '1', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}, "profiles"]}');
ROLLBACK;

-- the fixture is unchanged
SELECT name FROM ignis.models ORDER BY name;
SELECT count(*) AS relations FROM ignis.relations;
