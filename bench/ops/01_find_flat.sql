-- title: flat find: where on two properties + order + limit 20
-- kind: read
-- var: aid 1 NUSERS
--
-- The posts of one author with a given status, newest first.  The model's
-- soft-delete default filter adds "deletedAt IS NULL".
-- @ignis
SELECT ignis.find('Post', ('{"where": {"authorId": ' || :aid || ', "status": "published"},
  "order": ["createdAt DESC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
             p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
             p.deleted_at AS "deletedAt"
      FROM public.posts p
      WHERE p.author_id = :aid AND p.status = 'published' AND p.deleted_at IS NULL
      ORDER BY p.created_at DESC, p.id
      LIMIT 20) r;
-- @json
SELECT COALESCE(json_agg(r), '[]') AS result
FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
             p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
             p.deleted_at AS "deletedAt"
      FROM public.posts p
      WHERE p.author_id = :aid AND p.status = 'published' AND p.deleted_at IS NULL
      ORDER BY p.created_at DESC, p.id
      LIMIT 20) r;
-- @rows
SELECT p.id, p.author_id, p.category_id, p.title, p.body, p.status, p.views, p.tags,
       p.metadata, p.created_at, p.deleted_at
FROM public.posts p
WHERE p.author_id = :aid AND p.status = 'published' AND p.deleted_at IS NULL
ORDER BY p.created_at DESC, p.id
LIMIT 20;
