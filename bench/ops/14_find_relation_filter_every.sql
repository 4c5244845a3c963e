-- title: find filtered by every related row: users all of whose posts have at least a view count
-- kind: read
-- var: c 1 10
-- var: v 500 2000
-- requires: SELECT ignis.build_query('User', '{"where": {"posts": {"every": {}}}}')
--
-- The first 20 users of one country every visible post of whom has at
-- least :v views ({"posts": {"every": {...}}}, true for a user without
-- posts; 40% to 80% of the users).  ignis writes NOT EXISTS (... AND
-- (<where>) IS NOT TRUE), right whatever the where's NULLs; the
-- hand-written twin knows views is NOT NULL and negates the condition.
-- Pages from a given user id on: see 13_find_relation_filter.sql.
-- @ignis
SELECT ignis.find('User', ('{"where": {"country": "' || (ARRAY['DE','FR','US','GB','VN','JP','BR','IN','ES','IT'])[:c] || '",
  "posts": {"every": {"views": {"gte": ' || :v || '}}}},
  "order": ["id ASC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt"
      FROM public.users u
      WHERE u.country = (ARRAY['DE','FR','US','GB','VN','JP','BR','IN','ES','IT'])[:c]
        AND NOT EXISTS (SELECT 1 FROM public.posts p
                        WHERE p.author_id = u.id AND p.deleted_at IS NULL
                          AND p.views < :v)
      ORDER BY u.id
      LIMIT 20) r;
