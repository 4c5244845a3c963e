-- title: find filtered by related rows: users with some published post above a view count
-- kind: read
-- var: uid 1 NUSERS
-- var: v 8000 9500
-- requires: SELECT ignis.build_query('User', '{"where": {"posts": {"some": {}}}}')
--
-- A page of 20 users from :uid on having at least one visible post that is
-- published and has more than :v views ({"posts": {"some": {...}}}); 20% to
-- 60% of the users have one, so the page probes 30 to 100 users' posts.
-- The hand-written twin is the same EXISTS semi-join.
-- @ignis
SELECT ignis.find('User', ('{"where": {"id": {"gte": ' || :uid || '},
  "posts": {"some": {"status": "published", "views": {"gt": ' || :v || '}}}},
  "order": ["id ASC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt"
      FROM public.users u
      WHERE u.id >= :uid
        AND EXISTS (SELECT 1 FROM public.posts p
                    WHERE p.author_id = u.id AND p.deleted_at IS NULL
                      AND p.status = 'published' AND p.views > :v)
      ORDER BY u.id
      LIMIT 20) r;
