-- keyset: filter.after / filter.before page through rows by the values of
-- the order keys of a row already seen plus the primary key, instead of
-- skipping rows. The page holds the rows strictly after (before) that row
-- in the order; NULLs are placed as the order places them. With
-- shouldQueryRange the range gains "next": the after object of the page's
-- last row, or null when no row follows. "after": null asks for the first
-- page of such a walk.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- walk(model, filter): follows range.next from the first page to the end
-- and returns every page's data, concatenated.
CREATE FUNCTION pg_temp.walk(model text, filter jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  f jsonb := filter || '{"after": null}';
  page jsonb;
  rows jsonb := '[]';
BEGIN
  LOOP
    page := ignis.find(model, f, '{"shouldQueryRange": true}');
    rows := rows || (page -> 'data');
    EXIT WHEN page -> 'range' -> 'next' = 'null';
    f := filter || jsonb_build_object('after', page -> 'range' -> 'next');
  END LOOP;
  RETURN rows;
END $$;

-- The first page and its next; Post's default filter leaves out post 6.
SELECT ignis.find('Post', '{"fields": ["id", "views"], "order": ["views DESC"], "limit": 2, "after": null}', '{"shouldQueryRange": true}');
-- the page after it
SELECT ignis.find('Post', '{"fields": ["id", "views"], "order": ["views DESC"], "limit": 2, "after": {"views": 120, "id": 1}}', '{"shouldQueryRange": true}');
-- the last page: next is null
SELECT ignis.find('Post', '{"fields": ["id", "views"], "order": ["views DESC"], "limit": 2, "after": {"views": 7, "id": 4}}', '{"shouldQueryRange": true}');
-- before: the rows just before the given one, in the order of the filter
SELECT ignis.find('Post', '{"fields": ["id", "views"], "order": ["views DESC"], "limit": 2, "before": {"views": 7, "id": 4}}', '{"shouldQueryRange": true}');
-- without a range, after and before select the same rows
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["views DESC"], "limit": 2, "after": {"views": 120, "id": 1}}');
-- without an order the key is the primary key
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "after": {"id": 2}}');

-- NULLs: publishedAt of post 3 is NULL. ASC puts NULLs last, DESC first,
-- NULLS FIRST / LAST as written.
SELECT pg_temp.walk('Post', '{"fields": ["id", "publishedAt"], "order": ["publishedAt"], "limit": 2}');
SELECT pg_temp.walk('Post', '{"fields": ["id", "publishedAt"], "order": ["publishedAt DESC"], "limit": 2}');
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["publishedAt ASC NULLS FIRST"], "limit": 2, "after": {"publishedAt": null, "id": 3}}');
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["publishedAt DESC NULLS LAST"], "limit": 2, "before": {"publishedAt": null, "id": 3}}');
-- "before": null is the last page; nothing follows it
SELECT ignis.find('Post', '{"fields": ["id"], "limit": 2, "before": null}', '{"shouldQueryRange": true}');
-- a before page together with includes and a where; the total counts the
-- where, not the cursor
SELECT ignis.find('Post', '{"fields": ["id"], "where": {"views": {"gt": 1}}, "order": ["views"], "limit": 2, "before": {"views": 120, "id": 1}, "include": [{"relation": "author", "scope": {"fields": ["id"]}}, {"relation": "postTags", "count": true}]}', '{"shouldQueryRange": true}');
-- nothing comes after a NULL that sorts last
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["publishedAt"], "after": {"publishedAt": null, "id": 3}}');

-- Every walk returns exactly the rows of the whole order, page after page:
-- mixed directions, NULLs, JSON paths, related rows and counts.
SELECT o AS "order",
       pg_temp.walk('Post', jsonb_build_object('fields', '["id"]'::jsonb, 'order', o, 'limit', 2))
         = ignis.find('Post', jsonb_build_object('fields', '["id"]'::jsonb, 'order', o)) AS walk_is_the_order
  FROM (VALUES ('["views DESC"]'::jsonb), ('["status", "views DESC"]'), ('["status DESC", "publishedAt ASC NULLS FIRST"]'),
               ('["metadata.priority DESC"]'), ('["author.displayName DESC NULLS LAST", "title"]'),
               ('["category.name NULLS FIRST"]'), ('["author.posts.count DESC", "id DESC"]'),
               ('["metadata"]')) AS t(o);
SELECT o AS "order",
       pg_temp.walk('User', jsonb_build_object('fields', '["id"]'::jsonb, 'order', o, 'limit', 1))
         = ignis.find('User', jsonb_build_object('fields', '["id"]'::jsonb, 'order', o)) AS walk_is_the_order
  FROM (VALUES ('["age"]'::jsonb), ('["age DESC NULLS LAST", "role"]'), ('["posts.count DESC"]'),
               ('["profile.bio"]'), ('["createdAt DESC"]')) AS t(o);
-- backwards from past the end gives the same rows
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["status", "views DESC"], "before": {"status": "zzz", "views": 0, "id": 0}}')
     = ignis.find('Post', '{"fields": ["id"], "order": ["status", "views DESC"]}') AS before_the_end_is_everything;

-- The values in next come back as find returns them: timestamps, JSON
-- values, related values and counts.
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["publishedAt DESC", "metadata.priority"], "limit": 1, "after": null}', '{"shouldQueryRange": true}') -> 'range';
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["author.displayName", "author.posts.count"], "limit": 1, "after": null}', '{"shouldQueryRange": true}') -> 'range';

-- build_query: a row comparison when every key is a NOT NULL column ordered
-- the same way (an index on (views, id) serves it) ...
SELECT ignis.build_query('Post', '{"fields": ["id"], "order": ["views"], "limit": 20, "after": {"views": 45, "id": 2}}');
-- ... key by key otherwise (mixed directions, nullable columns, NULL values)
SELECT ignis.build_query('Post', '{"fields": ["id"], "order": ["status DESC", "publishedAt"], "limit": 20, "after": {"status": "draft", "publishedAt": "2024-01-01T00:00:00Z", "id": 2}}');
-- before reads backwards and turns the page round
SELECT ignis.build_query('Post', '{"fields": ["id"], "order": ["views"], "limit": 2, "before": {"views": 45, "id": 2}}');
SELECT run_build_query(ignis.build_query('Post', '{"fields": ["id"], "order": ["views"], "limit": 2, "before": {"views": 45, "id": 2}}'))
     = ignis.find('Post', '{"fields": ["id"], "order": ["views"], "limit": 2, "before": {"views": 45, "id": 2}}') AS same_as_find;
SELECT run_build_query(ignis.build_query('Post', '{"fields": ["id"], "order": ["status DESC", "publishedAt"], "after": {"status": "published", "publishedAt": null, "id": 2}}'))
     = ignis.find('Post', '{"fields": ["id"], "order": ["status DESC", "publishedAt"], "after": {"status": "published", "publishedAt": null, "id": 2}}') AS same_as_find;

-- The row comparison lets an index on the order keys find the page's start.
BEGIN;
CREATE TABLE public.events (id bigint PRIMARY KEY, at timestamptz NOT NULL, kind text);
INSERT INTO public.events SELECT i, timestamptz '2024-01-01' + i * interval '1 minute', 'k' || (i % 7) FROM generate_series(1, 20000) i;
CREATE INDEX ON public.events (at, id);
ANALYZE public.events;
SELECT ignis.register_model('Event', 'public.events') IS NOT NULL AS registered;
CREATE FUNCTION pg_temp.plan(q jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  p text[];
  l text;
BEGIN
  SELECT array_agg(e #>> '{}' ORDER BY n) INTO p FROM jsonb_array_elements(q -> 'params') WITH ORDINALITY AS t(e, n);
  FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || regexp_replace(q ->> 'sql', '\$([0-9]+)', '($1)[\1]', 'g') USING p LOOP
    RETURN NEXT l;
  END LOOP;
END $$;
SELECT pg_temp.plan(ignis.build_query('Event', '{"fields": ["id"], "order": ["at"], "limit": 20, "after": {"at": "2024-01-10T00:00:00Z", "id": 12960}}'));
SELECT ignis.find('Event', '{"fields": ["id"], "order": ["at"], "limit": 3, "after": {"at": "2024-01-10T00:00:00Z", "id": 12960}}');
ROLLBACK;

-- Default filters still apply: the soft-deleted post 6 is never paged to.
SELECT ignis.find('Post', '{"fields": ["id"], "after": {"id": 5}}');
SELECT ignis.find('Post', '{"fields": ["id"], "after": {"id": 5}}', '{"shouldSkipDefaultFilter": true}');

-- Errors.
-- a missing key, an extra key
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["views DESC"], "after": {"views": 7}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["views DESC"], "after": {"views": 7, "id": 4, "title": "x"}}') $q$);
-- after together with skip (or offset), or with before
SELECT err_hint($q$ SELECT ignis.find('Post', '{"skip": 2, "after": {"id": 4}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Post', '{"offset": 2, "before": {"id": 4}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Post', '{"after": {"id": 4}, "before": {"id": 1}}') $q$);
-- not an object
SELECT err_hint($q$ SELECT ignis.find('Post', '{"after": [4]}') $q$);
-- values of the wrong type
SELECT err_hint($q$ SELECT ignis.find('Post', '{"after": {"id": "four"}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('User', '{"order": ["posts.count"], "after": {"posts.count": "2", "id": 1}}') $q$);
-- a hidden order key would come back in range.next
SELECT err_hint($q$ SELECT ignis.find('User', '{"order": ["password"], "after": {"password": "pw1", "id": 1}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["author.password"], "after": null}') $q$);
-- keyset pages are for top-level find
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": {"after": {"id": 1}}}]}') $q$);
SELECT err_hint($q$ SELECT ignis.find_one('User', '{"after": {"id": 1}}') $q$);
SELECT err_hint($q$ SELECT ignis.find('User', '{"aftr": {"id": 1}}') $q$);
-- a before page cannot lock its rows (it is turned round by a window function)
BEGIN;
SELECT err_hint($q$ SELECT ignis.find('Post', '{"fields": ["id"], "before": {"id": 3}}', '{"lock": {"strength": "update"}}') $q$);
-- an after page can
SELECT ignis.find('Post', '{"fields": ["id"], "limit": 1, "after": {"id": 3}}', '{"lock": {"strength": "update"}}');
ROLLBACK;
