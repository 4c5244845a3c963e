-- title: find with an IN list of 500 ids
-- kind: read
--
-- 500 fixed post ids (@@IDS500@@ is expanded by run.sh; soft-deleted ones
-- are filtered out).  The list is a literal on both sides, so neither side
-- parses it per call.
-- @ignis
SELECT ignis.find('Post', '{"where": {"id": {"inq": [@@IDS500@@]}},
  "fields": ["id", "title", "status", "views"], "limit": 500}') AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT p.id, p.title, p.status, p.views
      FROM public.posts p
      WHERE p.id = ANY ('{@@IDS500@@}'::integer[]) AND p.deleted_at IS NULL
      ORDER BY p.id) r;
-- @json
SELECT COALESCE(json_agg(r), '[]') AS result
FROM (SELECT p.id, p.title, p.status, p.views
      FROM public.posts p
      WHERE p.id = ANY ('{@@IDS500@@}'::integer[]) AND p.deleted_at IS NULL
      ORDER BY p.id) r;
-- @rows
SELECT p.id, p.title, p.status, p.views
FROM public.posts p
WHERE p.id = ANY ('{@@IDS500@@}'::integer[]) AND p.deleted_at IS NULL
ORDER BY p.id;
