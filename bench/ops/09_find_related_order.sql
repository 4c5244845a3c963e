-- title: find ordered by a related column (author.displayName) + limit 20
-- kind: read
-- var: aid 1 NUSERS-9
--
-- The posts of ten authors ordered by their author's display name: the
-- order key is a correlated subquery on users in both, the fastest of the
-- hand-written forms measured (bench/README.md).
-- @ignis
SELECT ignis.find('Post', ('{"where": {"authorId": {"between": [' || :aid || ', ' || :aid + 9 || ']}},
  "order": ["author.displayName DESC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
             p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
             p.deleted_at AS "deletedAt"
      FROM public.posts p
      WHERE p.author_id BETWEEN :aid AND :aid + 9 AND p.deleted_at IS NULL
      ORDER BY (SELECT u.display_name FROM public.users u WHERE u.id = p.author_id) DESC, p.id
      LIMIT 20) r;
