-- aggregate: ignis.aggregate(model, spec, options) counts, sums, averages,
-- minima and maxima of a model's rows, grouped by properties or JSON paths,
-- filtered before (where) and after (having) grouping, ordered and paged.
-- One statement; the model's default filter applies as for count.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- Without groupBy: one object. Post's default filter leaves out the
-- soft-deleted post 6 (10 views).
SELECT ignis.aggregate('Post', '{"count": true, "sum": ["views"], "avg": ["views"], "min": ["publishedAt", "views"], "max": ["publishedAt", "title"]}');
-- with the default filter skipped, post 6 counts too
SELECT ignis.aggregate('Post', '{"count": true, "sum": ["views"]}', '{"shouldSkipDefaultFilter": true}');

-- NULLs: sum, avg, min and max ignore them (publishedAt of post 3 is NULL);
-- with no row at all, count is 0 and the others are null.
SELECT ignis.aggregate('Post', '{"where": {"status": "draft"}, "count": true, "min": ["publishedAt"]}');
SELECT ignis.aggregate('Post', '{"where": {"status": "nothing"}, "count": true, "sum": ["views"], "max": ["title"]}');

-- Grouped: one object per group, keys as written. A JSON path groups by the
-- text at the path (metadata.priority of post 5 is absent: null).
SELECT jsonb_pretty(ignis.aggregate('Post', '{"groupBy": ["status", "metadata.priority"], "count": true, "sum": ["views"]}'));

-- having filters groups, order and limit page them
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "sum": ["views"], "having": {"count": {"gt": 1}}}');
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "sum": ["views"], "order": ["sum.views DESC"], "limit": 2}');
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "order": ["count DESC", "status DESC"], "skip": 1}');
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "sum": ["views"], "having": {"sum": {"views": {"gte": 10}}, "max.views": {"lt": 300}}}');
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "having": {"min": {"publishedAt": {"gte": "2024-01-01T00:00:00Z"}}}}');
-- groupBy alone lists the distinct groups; a where narrows the rows first
SELECT ignis.aggregate('User', '{"groupBy": ["role"]}');
SELECT ignis.aggregate('User', '{"where": {"age": {"gte": 20}}, "groupBy": ["age"], "count": true, "order": ["age DESC NULLS LAST"]}');
-- NULL is a group of its own (user 3 has no age)
SELECT ignis.aggregate('User', '{"groupBy": ["age"], "count": true}');

-- Hidden properties may filter but are never grouped or aggregated.
SELECT ignis.aggregate('User', '{"where": {"password": {"neq": "pw1"}}, "count": true}');
SELECT err_hint($q$ SELECT ignis.aggregate('User', '{"groupBy": ["password"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('User', '{"max": ["password"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('User', '{"count": true, "having": {"min": {"password": {"gt": "a"}}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Category', '{"groupBy": ["deletedAt"]}') $q$);

-- The statement, as the log option prints it: one SELECT with GROUP BY,
-- HAVING and ORDER BY, values as parameters.
SELECT ignis.aggregate('Post', '{"where": {"views": {"gt": 0}}, "groupBy": ["status", "metadata.priority"], "count": true, "sum": ["views"], "having": {"count": {"gte": 1}}, "order": ["count DESC"], "limit": 10}', '{"log": {"use": true, "level": "warn"}}');

-- The same figures written by hand.
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "sum": ["views"], "avg": ["views"]}')
     = (SELECT jsonb_agg(jsonb_build_object('status', status, 'count', n, 'sum', jsonb_build_object('views', s), 'avg', jsonb_build_object('views', a)) ORDER BY status)
          FROM (SELECT status, count(*) AS n, sum(views) AS s, avg(views) AS a
                  FROM public.posts WHERE deleted_at IS NULL GROUP BY status) g) AS same_as_by_hand;

-- Operation scope: a WRITE_ONLY model cannot be aggregated (as count).
BEGIN;
SELECT ignis.register_model('PostW', 'public.posts', '{"operationScope": "WRITE_ONLY"}') IS NOT NULL AS registered;
SELECT err($q$ SELECT ignis.aggregate('PostW', '{"count": true}') $q$);
ROLLBACK;

-- Errors.
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "gruopBy": ["status"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": "status"}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": [1]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status", "status"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["statsu"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["views.x"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": "yes"}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"sum": "views"}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"sum": ["title"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"avg": ["publishedAt"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"max": ["metadata"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"min": ["nope"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "where": {"nope": 1}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "where": []}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": []}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"total": {"gt": 1}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"count": {"gtx": 1}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"count": 1}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"count": {"gt": "1"}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"sum": {"views": {"gt": null}}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"max": {"publishedAt": {"gt": "soon"}}}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true, "having": {"sum": ["views"]}}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "order": ["views DESC"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "order": ["status SIDEWAYS"]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "order": [1]}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "limit": -1}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "skip": "x"}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true}', '{"countStrategy": "planned"}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '{"count": true}', '{"shouldQueryRange": true}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Post', '[]') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate('Nope', '{"count": true}') $q$);
SELECT err_hint($q$ SELECT ignis.aggregate(NULL, '{"count": true}') $q$);
-- countStrategy "exact" is what aggregates do anyway
SELECT ignis.aggregate('Post', '{"count": true}', '{"countStrategy": "exact"}');
