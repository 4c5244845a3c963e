-- Deterministic dataset.  psql variables (set by run.sh from BENCH_SCALE):
--   nusers, nposts, ncomments, ntags
-- Every value is a function of the row number (bench_h), so two loads at the
-- same scale are identical.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
\timing on

INSERT INTO public.tags (id, name)
OVERRIDING SYSTEM VALUE
SELECT i, 'tag' || i FROM pg_catalog.generate_series(1, :ntags) i;

INSERT INTO public.users (id, email, display_name, password_hash, country, created_at)
OVERRIDING SYSTEM VALUE
SELECT i,
       'user' || i || '@example.com',
       'User ' || i,
       pg_catalog.md5('pw' || i),
       (ARRAY['DE','FR','US','GB','VN','JP','BR','IN','ES','IT'])[1 + bench_h(i, 1) % 10],
       timestamptz '2020-01-01 00:00:00+00' + make_interval(secs => (i::bigint * 31536000 / :nusers))
FROM pg_catalog.generate_series(1, :nusers) i;

-- posts: created_at grows with id (three years); status is skewed (90%
-- published, 9% archived, 1% draft: the generic-plan case); 2% soft-deleted;
-- 1% without metadata.
INSERT INTO public.posts (id, author_id, category_id, title, body, status, views, tags,
                          metadata, created_at, deleted_at)
OVERRIDING SYSTEM VALUE
SELECT i, author_id, category_id, title, body, status, views,
       ARRAY['tag' || t1, 'tag' || t2], metadata, created_at,
       CASE WHEN bench_h(i, 11) % 100 < 2 THEN created_at + interval '7 days' END
FROM (
  SELECT i,
         1 + bench_h(i, 1) % :nusers AS author_id,
         1 + bench_h(i, 2) % 50 AS category_id,
         'Post ' || i || ' about ' || (ARRAY['sql','json','performance','postgres','typescript','caching','indexes','planning'])[1 + bench_h(i, 3) % 8] AS title,
         left(repeat('lorem ipsum dolor sit amet ', 12), 80 + bench_h(i, 4) % 220) AS body,
         CASE WHEN bench_h(i, 5) % 100 = 0 THEN 'draft'
              WHEN bench_h(i, 5) % 100 < 10 THEN 'archived'
              ELSE 'published' END AS status,
         bench_h(i, 6) % 10000 AS views,
         1 + bench_h(i, 31) % :ntags AS t1,
         1 + (bench_h(i, 31) % :ntags + 1 + bench_h(i, 32) % (:ntags - 1)) % :ntags AS t2,
         CASE WHEN bench_h(i, 7) % 100 = 0 THEN NULL
              ELSE jsonb_build_object(
                     'priority', 1 + bench_h(i, 7) % 5,
                     'source', (ARRAY['web','mobile','api'])[1 + bench_h(i, 8) % 3],
                     'flags', jsonb_build_object('featured', bench_h(i, 9) % 10 = 0),
                     'wordCount', 100 + bench_h(i, 10) % 2000) END AS metadata,
         timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => (i::bigint * 94608000 / :nposts)) AS created_at
  FROM pg_catalog.generate_series(1, :nposts) i
) s;

-- post_tags: the two tags of each post (the same as posts.tags)
INSERT INTO public.post_tags (id, post_id, tag_id)
OVERRIDING SYSTEM VALUE
SELECT 2 * i - 1 + k, i,
       CASE WHEN k = 0 THEN 1 + bench_h(i, 31) % :ntags
            ELSE 1 + (bench_h(i, 31) % :ntags + 1 + bench_h(i, 32) % (:ntags - 1)) % :ntags END
FROM pg_catalog.generate_series(1, :nposts) i, (VALUES (0), (1)) v(k);

INSERT INTO public.comments (id, post_id, author_id, body, created_at)
OVERRIDING SYSTEM VALUE
SELECT i,
       1 + bench_h(i, 21) % :nposts,
       1 + bench_h(i, 22) % :nusers,
       'Comment ' || i || ': ' || left('nice post, thanks for sharing this with everyone here', 10 + bench_h(i, 23) % 40),
       timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => (i::bigint * 94608000 / :ncomments))
FROM pg_catalog.generate_series(1, :ncomments) i;

SELECT setval(pg_get_serial_sequence('public.users', 'id'), (SELECT max(id) FROM public.users));
SELECT setval(pg_get_serial_sequence('public.posts', 'id'), (SELECT max(id) FROM public.posts));
SELECT setval(pg_get_serial_sequence('public.comments', 'id'), (SELECT max(id) FROM public.comments));
SELECT setval(pg_get_serial_sequence('public.tags', 'id'), (SELECT max(id) FROM public.tags));
SELECT setval(pg_get_serial_sequence('public.post_tags', 'id'), (SELECT max(id) FROM public.post_tags));
