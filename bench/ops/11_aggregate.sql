-- title: aggregate: group by status, count + sum + avg
-- kind: read
-- var: aid 1 NUSERS-99
--
-- The posts of a hundred authors grouped by status: count, total and
-- average views per group.
-- @ignis
SELECT ignis.aggregate('Post', ('{"where": {"authorId": {"between": [' || :aid || ', ' || :aid + 99 || ']}},
  "groupBy": ["status"], "count": true, "sum": ["views"], "avg": ["views"]}')::jsonb) AS result;
-- @hand
SELECT COALESCE(jsonb_agg(jsonb_build_object('status', status, 'count', n,
                                             'sum', jsonb_build_object('views', s),
                                             'avg', jsonb_build_object('views', a)) ORDER BY status),
                '[]') AS result
FROM (SELECT p.status, count(*) AS n, sum(p.views) AS s, avg(p.views) AS a
      FROM public.posts p
      WHERE p.author_id BETWEEN :aid AND :aid + 99 AND p.deleted_at IS NULL
      GROUP BY p.status) g;
