-- title: find with JSON-path filters (text and numeric comparison)
-- kind: read
-- var: cat 1 50
--
-- "metadata.source" compares the extracted text, "metadata.priority" with
-- gte compares numerically (filter.md 8.4).  Ordered by views, so both
-- sides evaluate the JSON filters on every post of the category (about
-- 10,000 at scale 1) whatever plan they get.
-- @ignis
SELECT ignis.find('Post', ('{"where": {"categoryId": ' || :cat || ', "metadata.source": "mobile",
  "metadata.priority": {"gte": 4}}, "fields": ["id", "title", "views", "metadata"],
  "order": ["views DESC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT p.id, p.title, p.views, p.metadata
      FROM public.posts p
      WHERE p.category_id = :cat AND p.metadata ->> 'source' = 'mobile'
        AND (p.metadata ->> 'priority')::numeric >= 4 AND p.deleted_at IS NULL
      ORDER BY p.views DESC, p.id
      LIMIT 20) r;
-- @json
SELECT COALESCE(json_agg(r), '[]') AS result
FROM (SELECT p.id, p.title, p.views, p.metadata
      FROM public.posts p
      WHERE p.category_id = :cat AND p.metadata ->> 'source' = 'mobile'
        AND (p.metadata ->> 'priority')::numeric >= 4 AND p.deleted_at IS NULL
      ORDER BY p.views DESC, p.id
      LIMIT 20) r;
-- @rows
SELECT p.id, p.title, p.views, p.metadata
FROM public.posts p
WHERE p.category_id = :cat AND p.metadata ->> 'source' = 'mobile'
  AND (p.metadata ->> 'priority')::numeric >= 4 AND p.deleted_at IS NULL
ORDER BY p.views DESC, p.id
LIMIT 20;
