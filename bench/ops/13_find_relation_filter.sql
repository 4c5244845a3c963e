-- title: find filtered by related rows: users with some published post above a view count
-- kind: read
-- var: c 1 10
-- var: v 8000 9500
-- requires: SELECT ignis.build_query('User', '{"where": {"posts": {"some": {}}}}')
--
-- The first 20 users of one country having at least one visible post that
-- is published and has more than :v views ({"posts": {"some": {...}}});
-- 20% to 60% of the users have one, so the page probes the posts of 30 to
-- 100 users.  The hand-written twin is the same EXISTS semi-join.
--
-- The page starts at the first user: from a given user id on (a where
-- "id gte", or after), both forms get a custom plan with a merge semi-join
-- whose scan of posts starts at the first author, not at the page (the
-- planner does not carry u.id >= $1 over to p.author_id): about 0.8 s at
-- id 5,000 and 2.6 s at 50,000 at scale 1, against 0.5 ms when the bound
-- is repeated on p.author_id inside the EXISTS.
-- @ignis
SELECT ignis.find('User', ('{"where": {"country": "' || (ARRAY['DE','FR','US','GB','VN','JP','BR','IN','ES','IT'])[:c] || '",
  "posts": {"some": {"status": "published", "views": {"gt": ' || :v || '}}}},
  "order": ["id ASC"], "limit": 20}')::jsonb) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT u.id, u.email, u.display_name AS "displayName", u.country, u.created_at AS "createdAt"
      FROM public.users u
      WHERE u.country = (ARRAY['DE','FR','US','GB','VN','JP','BR','IN','ES','IT'])[:c]
        AND EXISTS (SELECT 1 FROM public.posts p
                    WHERE p.author_id = u.id AND p.deleted_at IS NULL
                      AND p.status = 'published' AND p.views > :v)
      ORDER BY u.id
      LIMIT 20) r;
