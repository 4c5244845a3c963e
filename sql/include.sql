-- include: relations in find / find_one / find_by_id (cases C075, C088-C100,
-- C150; read.md §7, models.md §7).  Extra models and tables are created inside
-- a transaction that is rolled back at the end, so later suites see the plain
-- fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- C075: offset works together with include (first statement)
SELECT ignis.find('User', '{"fields": ["id"], "offset": 4, "include": ["profile"]}');
-- → [{"id": 5, "profile": PR3}, {"id": 6, "profile": null}]

-- C088: one relation, hidden properties removed from the related row
SELECT ignis.find_by_id('Post', '1', '{"fields": ["id", "title"], "include": [{"relation": "author"}]}');
-- → {"id": 1, "title": "Hello World", "author": U1}

-- C089: many relation with scope order, fields
SELECT ignis.find_by_id('User', '1', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id", "views"], "order": ["views ASC"]}}]}');
-- → {"id": 1, "posts": [{"id": 2, "views": 45}, {"id": 1, "views": 120}]}

-- C090: the target's default filter applies; per-include skip
SELECT ignis.find_by_id('User', '5', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}');
-- → {"id": 5, "posts": []}
SELECT ignis.find_by_id('User', '5', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}, "shouldSkipDefaultFilter": true}]}');
-- → {"id": 5, "posts": [{"id": 6}]}
SELECT ignis.find_by_id('User', '5', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}', '{"shouldSkipDefaultFilter": true}');
-- → {"id": 5, "posts": []}   (the top-level option does not reach includes)

-- C091: one relation pointing to a soft-deleted row
SELECT ignis.find_by_id('Post', '4', '{"fields": ["id"], "include": ["category"]}');
-- → {"id": 4, "category": null}
SELECT ignis.find_by_id('Post', '4', '{"fields": ["id"], "include": [{"relation": "category", "shouldSkipDefaultFilter": true}]}');
-- → {"id": 4, "category": {"id": 3, "name": "Old"}}

-- C092: nested include through a junction model
SELECT ignis.find_by_id('Post', '1', '{"fields": ["id"], "include": [{"relation": "postTags", "scope": {"fields": ["tagId"], "include": ["tag"]}}]}');
-- → {"id": 1, "postTags": [{"tagId": 1, "tag": {"id": 1, "name": "sql"}}, {"tagId": 2, "tag": {"id": 2, "name": "postgres"}}]}

-- C093: one relation without a match; string shorthand
SELECT ignis.find('User', '{"where": {"id": [1, 3]}, "fields": ["id"], "include": ["profile"]}');
-- → [{"id": 1, "profile": PR1}, {"id": 3, "profile": null}]

-- C094: scope limit applies per parent
SELECT ignis.find('User', '{"where": {"id": [1, 2]}, "fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"], "order": ["id DESC"], "limit": 1}}]}');
-- → [{"id": 1, "posts": [{"id": 2}]}, {"id": 2, "posts": [{"id": 4}]}]

-- C095: scope where
SELECT ignis.find_by_id('User', '2', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"where": {"status": "draft"}, "fields": ["id", "status"]}}]}');
-- → {"id": 2, "posts": [{"id": 3, "status": "draft"}]}

-- C096: many relation declared with inverseOf
SELECT ignis.find('Category', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}');
-- → [{"id": 1, "posts": [{"id": 1}]}, {"id": 2, "posts": [{"id": 2}, {"id": 3}]}]

-- C097: hidden property requested inside a scope
SELECT ignis.find_by_id('Post', '3', '{"fields": ["id"], "include": [{"relation": "author", "scope": {"fields": ["id", "password"]}}]}');
-- → {"id": 3, "author": {"id": 2}}

-- C098: parent fields need not contain relation keys
SELECT ignis.find('Post', '{"where": {"id": 2}, "fields": ["title"], "include": [{"relation": "category", "scope": {"fields": ["name"]}}]}');
-- → [{"title": "Deep Dive", "category": {"name": "Tech"}}]

-- C099: include errors
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "comments"}]}') $q$);
-- → error 42704, contains filter.include[0].relation
SELECT err($q$ SELECT ignis.find('User', '{"include": ["posts", {"relation": "posts"}]}') $q$);
-- → error 22023
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"scope": {}}]}') $q$);
-- → error 22023
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": {"where": {"nope": 1}}}]}') $q$);
-- → error 42703, contains filter.include[0].scope.where.nope

-- C100: range total ignores includes
SELECT ignis.find('User', '{"where": {"id": [1, 2]}, "fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}', '{"shouldQueryRange": true}');
-- → {"data": [{"id": 1, "posts": [{"id": 1}, {"id": 2}]}, {"id": 2, "posts": [{"id": 3}, {"id": 4}]}], "range": {"start": 0, "end": 1, "total": 2}}

-- C150: catalog changes are visible in the same transaction
BEGIN;
SELECT ignis.unregister_relation('User', 'profile');                    -- → true
SELECT err($q$ SELECT ignis.find('User', '{"include": ["profile"]}') $q$);  -- → error 42704
ROLLBACK;
SELECT ignis.find_by_id('User', '1', '{"fields": ["id"], "include": ["profile"]}');   -- → {"id": 1, "profile": PR1}

-- ---------------------------------------------------------------------------
-- Beyond the numbered cases
-- ---------------------------------------------------------------------------

-- include: [] adds nothing; find_one and build_query carry includes too
SELECT ignis.find('User', '{"where": {"id": 1}, "fields": ["id"], "include": []}');
-- → [{"id": 1}]
SELECT ignis.find_one('Post', '{"where": {"authorId": 2}, "order": ["id DESC"], "fields": ["id"], "include": ["author", "category"]}');
-- → {"id": 4, "author": U2, "category": null}
SELECT ignis.find_one('Post', '{"where": {"id": 99}, "include": ["author"]}');
-- → null

-- the relation's key properties need not be selected in the scope either
SELECT ignis.find_by_id('User', '1', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["title"]}}]}');
-- → {"id": 1, "posts": [{"title": "Hello World"}, {"title": "Deep Dive"}]}

-- nested includes three levels deep: User -> posts -> postTags -> tag
SELECT ignis.find('User', '{"where": {"id": [1, 2, 4]}, "fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"], "include": [{"relation": "postTags", "scope": {"fields": ["id"], "include": [{"relation": "tag", "scope": {"fields": ["name"]}}]}}]}}]}');
-- → [{"id": 1, "posts": [{"id": 1, "postTags": [{"id": 1, "tag": {"name": "sql"}}, {"id": 2, "tag": {"name": "postgres"}}]},
--                        {"id": 2, "postTags": [{"id": 3, "tag": {"name": "postgres"}}, {"id": 4, "tag": {"name": "json"}}]}]},
--    {"id": 2, "posts": [{"id": 3, "postTags": []}, {"id": 4, "postTags": []}]},
--    {"id": 4, "posts": [{"id": 5, "postTags": [{"id": 5, "tag": {"name": "json"}}]}]}]

-- going back up: Post -> author -> posts -> category (scopes at every level)
SELECT ignis.find_by_id('Post', '3', '{"fields": ["id"], "include": [{"relation": "author", "scope": {"fields": ["displayName"], "include": [{"relation": "posts", "scope": {"fields": ["id"], "order": ["id DESC"], "include": [{"relation": "category", "scope": {"fields": ["name"]}}]}}]}}]}');
-- → {"id": 3, "author": {"displayName": "Bob", "posts": [{"id": 4, "category": null}, {"id": 3, "category": {"name": "Tech"}}]}}

-- several includes side by side, one of them nested
SELECT ignis.find_by_id('User', '1', '{"fields": ["id"], "include": ["profile", {"relation": "posts", "scope": {"fields": ["id"], "limit": 1, "include": ["category"]}}]}');
-- → {"id": 1, "profile": PR1, "posts": [{"id": 1, "category": {"id": 1, "name": "News"}}]}

-- include errors beyond C099
SELECT err($q$ SELECT ignis.find('User', '{"include": ["profile", {"relation": "comments"}]}') $q$);
-- → 42704, names filter.include[1].relation
SELECT err($q$ SELECT ignis.find('User', '{"include": ["profile", "profile"]}') $q$);
-- → 22023 (D31: a relation once per include list)
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": {"limt": 1}}]}') $q$);
-- → 22023, names filter.include[0].scope.limt
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scop": {}}]}') $q$);
-- → 22023, names filter.include[0].scop
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "shouldSkipDefaultFilter": "yes"}]}') $q$);
-- → 22023
SELECT err($q$ SELECT ignis.find('User', '{"include": "posts"}') $q$);
-- → 22023
SELECT err($q$ SELECT ignis.find('User', '{"include": [42]}') $q$);
-- → 22023
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": {"include": [{"relation": "author", "scope": {"include": ["nope"]}}]}}]}') $q$);
-- → 42704, names filter.include[0].scope.include[0].scope.include[0]
SELECT err($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": []}]}') $q$);
-- → 22023
SELECT err($q$ SELECT ignis.find('Post', '{"include": [{"relation": "author", "scope": {"fields": ["password"]}}]}') $q$);
-- → 22023 (no visible property selected in the scope)

BEGIN;

-- many-to-many through post_tags, in both directions
SELECT ignis.register_relation('PostTag', 'post', 'one', 'Post', '{"fields": ["postId"], "references": ["id"]}') ->> 'name';
SELECT ignis.register_relation('Tag', 'postTags', 'many', 'PostTag', '{"inverseOf": "tag"}') -> 'fields';
SELECT ignis.find('Tag', '{"include": [{"relation": "postTags", "scope": {"fields": ["id"], "include": [{"relation": "post", "scope": {"fields": ["title"]}}]}}]}');
-- → [{"id": 1, "name": "sql", "postTags": [{"id": 1, "post": {"title": "Hello World"}}]},
--    {"id": 2, "name": "postgres", "postTags": [{"id": 2, "post": {"title": "Hello World"}}, {"id": 3, "post": {"title": "Deep Dive"}}]},
--    {"id": 3, "name": "json", "postTags": [{"id": 4, "post": {"title": "Deep Dive"}}, {"id": 5, "post": {"title": "Ünïcödé ✓"}}]}]

-- a junction row whose post is soft-deleted: the one side becomes null
INSERT INTO public.post_tags VALUES (6, 6, 1);
SELECT ignis.find_by_id('Tag', '1', '{"fields": ["id"], "include": [{"relation": "postTags", "scope": {"fields": ["id"], "include": [{"relation": "post", "scope": {"fields": ["id"]}}]}}]}');
-- → {"id": 1, "postTags": [{"id": 1, "post": {"id": 1}}, {"id": 6, "post": null}]}

-- a self-referencing relation: a category tree
CREATE TABLE public.category_tree (
  id        integer PRIMARY KEY,
  parent_id integer REFERENCES public.category_tree(id),
  label     text NOT NULL
);
INSERT INTO public.category_tree VALUES
  (1, NULL, 'root'), (2, 1, 'hardware'), (3, 1, 'software'), (4, 3, 'databases'),
  (5, 4, 'postgres'), (6, 3, 'editors');
SELECT ignis.register_model('Node', 'public.category_tree', '{"naming": "camelCase"}') ->> 'primaryKey';
SELECT ignis.register_relation('Node', 'parent', 'one', 'Node', '{"fields": ["parentId"], "references": ["id"]}') ->> 'name';
SELECT ignis.register_relation('Node', 'children', 'many', 'Node', '{"inverseOf": "parent"}') -> 'references';

-- up the tree, three levels
SELECT ignis.find_by_id('Node', '5', '{"fields": ["label"], "include": [{"relation": "parent", "scope": {"fields": ["label"], "include": [{"relation": "parent", "scope": {"fields": ["label"], "include": [{"relation": "parent", "scope": {"fields": ["label"], "include": ["parent"]}}]}}]}}]}');
-- → {"label": "postgres", "parent": {"label": "databases", "parent": {"label": "software", "parent": {"label": "root", "parent": null}}}}

-- down the tree, with per-parent order and limit
SELECT ignis.find('Node', '{"where": {"parentId": null}, "fields": ["label"], "include": [{"relation": "children", "scope": {"fields": ["label"], "order": ["label DESC"], "include": [{"relation": "children", "scope": {"fields": ["label"], "limit": 1}}]}}]}');
-- → [{"label": "root", "children": [{"label": "software", "children": [{"label": "databases"}]}, {"label": "hardware", "children": []}]}]

-- both directions at once
SELECT ignis.find('Node', '{"where": {"id": [1, 4]}, "fields": ["id"], "include": [{"relation": "parent", "scope": {"fields": ["id"]}}, {"relation": "children", "scope": {"fields": ["id"]}}]}');
-- → [{"id": 1, "parent": null, "children": [{"id": 2}, {"id": 3}]}, {"id": 4, "parent": {"id": 3}, "children": [{"id": 5}]}]

-- 16 nested levels are accepted, 17 are not (D31: 54001)
SELECT ignis.find_by_id('Node', '5', jsonb_build_object('fields', '["id"]'::jsonb, 'include',
  (SELECT (repeat('[{"relation": "parent", "scope": {"fields": ["id"], "include": ', 15) || '["parent"]' || repeat('}}]', 15))::jsonb)));
-- → {"id": 5, "parent": {"id": 4, "parent": {"id": 3, "parent": {"id": 1, "parent": null}}}}
SELECT err(format($q$ SELECT ignis.find_by_id('Node', '5', %L) $q$, jsonb_build_object('fields', '["id"]'::jsonb, 'include',
  (SELECT (repeat('[{"relation": "parent", "scope": {"fields": ["id"], "include": ', 16) || '["parent"]' || repeat('}}]', 16))::jsonb))));
-- → 54001
SELECT err(format($q$ SELECT ignis.find('Node', %L) $q$, jsonb_build_object('include',
  (SELECT (repeat('[{"relation": "children", "scope": {"include": ', 20) || '["children"]' || repeat('}}]', 20))::jsonb))));
-- → 54001

-- includes contributed by default filters count towards the depth: a model
-- whose default filter includes its own relation would recurse endlessly
SELECT ignis.register_model('Chain', 'public.category_tree', '{"naming": "camelCase", "defaultFilter": {"include": ["up"]}}') ->> 'name';
SELECT ignis.register_relation('Chain', 'up', 'one', 'Chain', '{"fields": ["parentId"], "references": ["id"]}') ->> 'name';
SELECT err($q$ SELECT ignis.find('Chain') $q$);
-- → 54001
SELECT ignis.find('Chain', '{"fields": ["id"], "where": {"id": 2}}', '{"shouldSkipDefaultFilter": true}');
-- → [{"id": 2}]

-- a composite foreign key
CREATE TABLE public.regions (
  country text,
  code    text,
  name    text NOT NULL,
  PRIMARY KEY (country, code)
);
CREATE TABLE public.offices (
  id          integer PRIMARY KEY,
  country     text,
  region_code text,
  city        text NOT NULL,
  FOREIGN KEY (country, region_code) REFERENCES public.regions (country, code)
);
INSERT INTO public.regions VALUES ('FR', 'IDF', 'Île-de-France'), ('FR', 'PAC', 'Provence'), ('DE', 'BY', 'Bayern');
INSERT INTO public.offices VALUES (1, 'FR', 'IDF', 'Paris'), (2, 'FR', 'PAC', 'Nice'), (3, 'FR', 'PAC', 'Marseille'),
  (4, 'DE', NULL, 'Munich'), (5, NULL, NULL, 'Remote');
SELECT ignis.register_model('Region', 'public.regions', '{"naming": "camelCase"}') -> 'primaryKey';  -- composite: no primary key
SELECT ignis.register_model('Office', 'public.offices', '{"naming": "camelCase"}') ->> 'primaryKey';
SELECT ignis.register_relation('Office', 'region', 'one', 'Region', '{"fields": ["country", "regionCode"], "references": ["country", "code"]}') -> 'references';
SELECT ignis.register_relation('Region', 'offices', 'many', 'Office', '{"inverseOf": "region"}') -> 'fields';
SELECT ignis.find('Office', '{"fields": ["city"], "include": [{"relation": "region", "scope": {"fields": ["name"]}}]}');
-- → [{"city": "Paris", "region": {"name": "Île-de-France"}}, {"city": "Nice", "region": {"name": "Provence"}},
--    {"city": "Marseille", "region": {"name": "Provence"}}, {"city": "Munich", "region": null}, {"city": "Remote", "region": null}]
SELECT ignis.find('Region', '{"order": ["country", "code"], "fields": ["code"], "include": [{"relation": "offices", "scope": {"fields": ["city"], "order": ["city"]}}]}');
-- → [{"code": "BY", "offices": []}, {"code": "IDF", "offices": [{"city": "Paris"}]}, {"code": "PAC", "offices": [{"city": "Marseille"}, {"city": "Nice"}]}]
SELECT ignis.find('Region', '{"where": {"country": "FR"}, "order": "code", "fields": ["code"], "include": [{"relation": "offices", "scope": {"where": {"city": {"like": "N%"}}, "fields": ["id"]}}]}');
-- → [{"code": "IDF", "offices": []}, {"code": "PAC", "offices": [{"id": 2}]}]

ROLLBACK;

-- the fixture is unchanged
SELECT name FROM ignis.models ORDER BY name;
SELECT model, name FROM ignis.relations ORDER BY model, name;
