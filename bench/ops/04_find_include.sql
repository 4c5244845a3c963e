-- title: find with two-level include (users -> posts -> comments)
-- kind: read
-- var: uid 1 NUSERS-9
--
-- Ten users, each with their 5 newest posts, each with its first 3
-- comments: limits and order apply per parent.
-- @ignis
SELECT ignis.find('User', ('{"where": {"id": {"between": [' || :uid || ', ' || :uid + 9 || ']}},
  "limit": 10,
  "include": [{"relation": "posts", "scope": {
      "fields": ["id", "title", "status", "createdAt"], "order": ["createdAt DESC"], "limit": 5,
      "include": [{"relation": "comments", "scope": {
          "fields": ["id", "authorId", "body", "createdAt"], "limit": 3}}]}}]}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(ur), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt",
             (SELECT COALESCE(json_agg(pr), '[]')
              FROM (SELECT p.id, p.title, p.status, p.created_at AS "createdAt",
                           (SELECT COALESCE(json_agg(cr), '[]')
                            FROM (SELECT c.id, c.author_id AS "authorId", c.body,
                                         c.created_at AS "createdAt"
                                  FROM public.comments c
                                  WHERE c.post_id = p.id
                                  ORDER BY c.id
                                  LIMIT 3) cr) AS comments
                    FROM public.posts p
                    WHERE p.author_id = u.id AND p.deleted_at IS NULL
                    ORDER BY p.created_at DESC, p.id
                    LIMIT 5) pr) AS posts
      FROM public.users u
      WHERE u.id BETWEEN :uid AND :uid + 9
      ORDER BY u.id) ur;
-- @json
SELECT COALESCE(json_agg(ur), '[]') AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt",
             (SELECT COALESCE(json_agg(pr), '[]')
              FROM (SELECT p.id, p.title, p.status, p.created_at AS "createdAt",
                           (SELECT COALESCE(json_agg(cr), '[]')
                            FROM (SELECT c.id, c.author_id AS "authorId", c.body,
                                         c.created_at AS "createdAt"
                                  FROM public.comments c
                                  WHERE c.post_id = p.id
                                  ORDER BY c.id
                                  LIMIT 3) cr) AS comments
                    FROM public.posts p
                    WHERE p.author_id = u.id AND p.deleted_at IS NULL
                    ORDER BY p.created_at DESC, p.id
                    LIMIT 5) pr) AS posts
      FROM public.users u
      WHERE u.id BETWEEN :uid AND :uid + 9
      ORDER BY u.id) ur;
-- @rows
-- The same tree flattened into one row per (user, post, comment).
SELECT u.id, u.email, u.display_name, u.country, u.created_at,
       p.id, p.title, p.status, p.created_at,
       c.id, c.author_id, c.body, c.created_at
FROM public.users u
LEFT JOIN LATERAL (SELECT p.id, p.title, p.status, p.created_at
                   FROM public.posts p
                   WHERE p.author_id = u.id AND p.deleted_at IS NULL
                   ORDER BY p.created_at DESC, p.id
                   LIMIT 5) p ON true
LEFT JOIN LATERAL (SELECT c.id, c.author_id, c.body, c.created_at
                   FROM public.comments c
                   WHERE c.post_id = p.id
                   ORDER BY c.id
                   LIMIT 3) c ON true
WHERE u.id BETWEEN :uid AND :uid + 9
ORDER BY u.id, p.created_at DESC, p.id, c.id;
