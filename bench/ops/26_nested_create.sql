-- title: nested create: a post with 10 comments
-- kind: write
-- requires: SELECT 'ignis.create(text, jsonb, jsonb)'::regprocedure
-- tx: rollback
-- reset: SELECT setval(pg_get_serial_sequence('public.posts', 'id'), (SELECT max(id) FROM public.posts)), setval(pg_get_serial_sequence('public.comments', 'id'), (SELECT max(id) FROM public.comments))
-- var: a 1 NUSERS
--
-- One post and its 10 comments in one call; the comments take the post's new
-- id. Rolled back, so the tables stay as loaded. The hand-written statement:
-- two data-modifying CTEs, the children from unnest, the tree built with
-- to_jsonb.
-- @ignis
SELECT ignis.create('Post', ('{"authorId": ' || :a || ', "categoryId": 1, "title": "Nested", "body": "A post with comments",
  "comments": [{"authorId": 1, "body": "c1"}, {"authorId": 2, "body": "c2"}, {"authorId": 3, "body": "c3"}, {"authorId": 4, "body": "c4"},
               {"authorId": 5, "body": "c5"}, {"authorId": 6, "body": "c6"}, {"authorId": 7, "body": "c7"}, {"authorId": 8, "body": "c8"},
               {"authorId": 9, "body": "c9"}, {"authorId": 10, "body": "c10"}]}')::jsonb) AS result;
-- @hand
WITH p AS (
  INSERT INTO public.posts (author_id, category_id, title, body)
  VALUES (:a, 1, 'Nested', 'A post with comments')
  RETURNING id, author_id AS "authorId", category_id AS "categoryId", title, body, status, views, tags,
            metadata, created_at AS "createdAt", deleted_at AS "deletedAt"),
c AS (
  INSERT INTO public.comments (post_id, author_id, body)
  SELECT p.id, u.author_id, u.body
  FROM p, unnest(ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                 ARRAY['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10']) WITH ORDINALITY AS u(author_id, body, n)
  ORDER BY u.n
  RETURNING id, post_id AS "postId", author_id AS "authorId", body, created_at AS "createdAt")
SELECT jsonb_build_object('count', 1, 'data',
         (SELECT to_jsonb(p) FROM p) || jsonb_build_object('comments', (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]') FROM c))) AS result;
