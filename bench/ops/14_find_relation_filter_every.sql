-- title: find filtered by every related row: users all of whose posts have at least a view count
-- kind: read
-- var: uid 1 NUSERS
-- var: v 500 2000
-- requires: SELECT ignis.build_query('User', '{"where": {"posts": {"every": {}}}}')
--
-- A page of 20 users from :uid on every visible post of whom has at least
-- :v views ({"posts": {"every": {...}}}, true for a user without posts).
-- ignis writes NOT EXISTS (... AND (<where>) IS NOT TRUE), right whatever
-- the where's NULLs; the hand-written twin knows views is NOT NULL and
-- negates the condition instead.
-- @ignis
SELECT ignis.find('User', ('{"where": {"id": {"gte": ' || :uid || '},
  "posts": {"every": {"views": {"gte": ' || :v || '}}}},
  "order": ["id ASC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt"
      FROM public.users u
      WHERE u.id >= :uid
        AND NOT EXISTS (SELECT 1 FROM public.posts p
                        WHERE p.author_id = u.id AND p.deleted_at IS NULL
                          AND p.views < :v)
      ORDER BY u.id
      LIMIT 20) r;
