-- The batched relation strategy (docs/design.md, "Relations"): an include
-- can load the related rows of the whole page with one scan selected by the
-- page's keys, instead of one correlated subquery per parent row: the
-- difference between one remote query and one per row when the related
-- table is a foreign or distributed table.  The result is exactly what the
-- default (correlated) strategy returns; this suite checks that for every
-- shape.  A relation chooses its strategy at registration
-- (settings.strategy), an include can override it ("strategy").
SET TimeZone = 'UTC';
SET client_min_messages = warning;

-- same(model, filter, options): the filter with every top-level include
-- batched gives what it gives with every include correlated
CREATE FUNCTION public.same(model text, filter jsonb, options jsonb DEFAULT '{}') RETURNS boolean
LANGUAGE sql AS $$
  SELECT ignis.find(model, jsonb_set(filter, '{include}',
           (SELECT jsonb_agg(CASE jsonb_typeof(i) WHEN 'string' THEN jsonb_build_object('relation', i, 'strategy', 'batched')
                                  ELSE i || '{"strategy": "batched"}' END)
            FROM jsonb_array_elements(filter -> 'include') i)), options)
       = ignis.find(model, filter, options)
$$;

SELECT same('User', '{"include": ["posts"]}') AS many,
       same('Post', '{"include": ["author"]}') AS one_shared_parents,
       same('Post', '{"include": ["author", "category", "postTags"], "order": "id"}') AS several,
       same('User', '{"include": [{"relation": "posts", "scope": {"order": ["views DESC"], "limit": 1}}]}') AS per_parent_limit,
       same('User', '{"include": [{"relation": "posts", "scope": {"order": ["title"], "skip": 1, "limit": 1}}]}') AS per_parent_offset,
       same('User', '{"include": [{"relation": "posts", "scope": {"where": {"views": {"gt": 50}}, "fields": ["id", "views"]}}]}') AS scope_where_fields,
       same('User', '{"include": [{"relation": "posts", "scope": {"include": ["category", {"relation": "postTags", "scope": {"include": ["tag"]}}]}}]}') AS nested,
       same('User', '{"include": [{"relation": "posts", "shouldSkipDefaultFilter": true}]}') AS skip_default,
       same('Category', '{"include": ["posts"]}') AS soft_deleted_targets,
       same('User', '{"fields": ["email"], "include": ["posts", "profile"]}') AS key_not_selected,
       same('User', '{"where": {"id": {"gt": 100}}, "include": ["posts"]}') AS empty_page;
SELECT same('User', '{"include": ["posts"], "limit": 2}', '{"shouldQueryRange": true}') AS range,
       same('User', '{"include": ["posts"], "skip": 50}', '{"shouldQueryRange": true}') AS empty_range;
SELECT ignis.find_by_id('User', 1, '{"include": [{"relation": "posts", "strategy": "batched", "scope": {"fields": ["id"]}}]}')
     = ignis.find_by_id('User', 1, '{"include": [{"relation": "posts", "scope": {"fields": ["id"]}}]}') AS find_by_id,
       ignis.find_one('Post', '{"where": {"id": 3}, "include": [{"relation": "author", "strategy": "batched"}]}')
     = ignis.find_one('Post', '{"where": {"id": 3}, "include": ["author"]}') AS find_one;

-- composite keys, NULL keys, and a relation registered as batched
CREATE TABLE public.bt_orders (region text, num integer, note text, PRIMARY KEY (region, num));
CREATE TABLE public.bt_lines (id integer PRIMARY KEY, region text, num integer, qty integer);
INSERT INTO public.bt_orders VALUES ('eu', 1, 'a'), ('eu', 2, 'b'), ('us', 1, 'c');
INSERT INTO public.bt_lines VALUES (1, 'eu', 1, 5), (2, 'eu', 1, 6), (3, 'us', 1, 7), (4, NULL, 1, 8), (5, 'eu', 2, 9);
SELECT ignis.register_model('BtOrder', 'public.bt_orders') ->> 'name' AS model;
SELECT ignis.register_model('BtLine', 'public.bt_lines') ->> 'name' AS model;
SELECT ignis.register_relation('BtOrder', 'lines', 'many', 'BtLine',
  '{"fields": ["region", "num"], "references": ["region", "num"], "strategy": "batched"}') AS relation;
SELECT ignis.register_relation('BtLine', 'order', 'one', 'BtOrder',
  '{"fields": ["region", "num"], "references": ["region", "num"]}') ->> 'name' AS relation;
SELECT ignis.find('BtOrder', '{"include": [{"relation": "lines", "scope": {"order": ["qty DESC"], "limit": 1}}], "order": ["region", "num"]}');
SELECT ignis.find('BtOrder', '{"include": [{"relation": "lines", "strategy": "correlated", "scope": {"order": ["qty DESC"], "limit": 1}}], "order": ["region", "num"]}')
     = ignis.find('BtOrder', '{"include": [{"relation": "lines", "scope": {"order": ["qty DESC"], "limit": 1}}], "order": ["region", "num"]}') AS composite;
SELECT same('BtLine', '{"include": ["order"], "order": "id"}') AS null_keys;
SELECT ignis.describe_model('BtOrder') -> 'relations' AS relations;

-- what runs: the page once (a materialised CTE), each batched include one
-- scan selected by = ANY of the page's keys, grouped per key
SELECT ignis.build_query('User', '{"fields": ["id"], "include": [{"relation": "posts", "strategy": "batched", "scope": {"fields": ["id"], "order": ["views DESC"], "limit": 2}}], "limit": 3}') ->> 'sql' AS sql;

-- errors
SELECT err($q$SELECT ignis.find('User', '{"include": [{"relation": "posts", "strategy": "lazy"}]}')$q$);
SELECT err($q$SELECT ignis.register_relation('BtLine', 'order2', 'one', 'BtOrder', '{"fields": ["region", "num"], "references": ["region", "num"], "strategy": true}')$q$);

SELECT ignis.unregister_model('BtLine', true);
SELECT ignis.unregister_model('BtOrder', true);
DROP TABLE public.bt_lines, public.bt_orders;
DROP FUNCTION public.same(text, jsonb, jsonb);
