-- title: find with a relation count (users + number of their posts)
-- kind: read
-- var: uid 1 NUSERS-19
--
-- Twenty users, each with the number of their visible posts instead of
-- the posts: include {"relation": "posts", "count": true}.
-- @ignis
SELECT ignis.find('User', ('{"where": {"id": {"between": [' || :uid || ', ' || :uid + 19 || ']}},
  "limit": 20, "include": [{"relation": "posts", "count": true}]}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt",
             (SELECT count(*) FROM public.posts p
              WHERE p.author_id = u.id AND p.deleted_at IS NULL) AS posts
      FROM public.users u
      WHERE u.id BETWEEN :uid AND :uid + 19
      ORDER BY u.id) r;
