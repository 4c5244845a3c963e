-- title: find with shouldQueryRange (page of 20 + exact total)
-- kind: read
-- var: cat 1 50
--
-- One page of a category's published posts by views, with the total count
-- (about 9,000 rows at scale 1) computed in the same statement.
-- @ignis
SELECT ignis.find('Post', ('{"where": {"categoryId": ' || :cat || ', "status": "published"},
  "fields": ["id", "title", "views", "createdAt"], "order": ["views DESC"], "limit": 20}')::jsonb,
  '{"shouldQueryRange": true}') AS result;
-- @hand
SELECT jsonb_build_object(
         'data', COALESCE(d.data, '[]'::json),
         'range', jsonb_build_object('start', 0, 'end', GREATEST(d.n - 1, 0), 'total', c.total)) AS result
FROM (SELECT json_agg(r) AS data, count(*) AS n
      FROM (SELECT p.id, p.title, p.views, p.created_at AS "createdAt"
            FROM public.posts p
            WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL
            ORDER BY p.views DESC, p.id
            LIMIT 20) r) d,
     (SELECT count(*) AS total
      FROM public.posts p
      WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL) c;
-- @json
SELECT json_build_object(
         'data', COALESCE(d.data, '[]'::json),
         'range', json_build_object('start', 0, 'end', GREATEST(d.n - 1, 0), 'total', c.total)) AS result
FROM (SELECT json_agg(r) AS data, count(*) AS n
      FROM (SELECT p.id, p.title, p.views, p.created_at AS "createdAt"
            FROM public.posts p
            WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL
            ORDER BY p.views DESC, p.id
            LIMIT 20) r) d,
     (SELECT count(*) AS total
      FROM public.posts p
      WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL) c;
-- @rows
SELECT p.id, p.title, p.views, p.created_at
FROM public.posts p
WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL
ORDER BY p.views DESC, p.id
LIMIT 20;
SELECT count(*)
FROM public.posts p
WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL;
