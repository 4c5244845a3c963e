-- title: count
-- kind: read
-- var: cat 1 50
--
-- Published posts of one category (about 9,000 at scale 1).
-- @ignis
SELECT ignis.count('Post', ('{"categoryId": ' || :cat || ', "status": "published"}')::jsonb) AS result;
-- @hand
SELECT jsonb_build_object('count', count(*)) AS result
FROM public.posts p
WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL;
-- @json
SELECT json_build_object('count', count(*)) AS result
FROM public.posts p
WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL;
-- @rows
SELECT count(*)
FROM public.posts p
WHERE p.category_id = :cat AND p.status = 'published' AND p.deleted_at IS NULL;
