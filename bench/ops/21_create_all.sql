-- title: create_all of 100 rows
-- kind: write
-- requires: SELECT 'ignis.create_all(text, jsonb, jsonb)'::regprocedure
-- reset: SELECT setval(pg_get_serial_sequence('public.comments', 'id'), (SELECT max(id) FROM public.comments))
--
-- 100 comments in one call (@@ROWS100@@ / @@VALUES100@@ are the same rows,
-- expanded by run.sh).  Committed: the comments table grows during the run.
-- @ignis
SELECT ignis.create_all('Comment', '[@@ROWS100@@]') AS result;
-- @hand
WITH ins AS (
  INSERT INTO public.comments (post_id, author_id, body)
  VALUES @@VALUES100@@
  RETURNING id, post_id AS "postId", author_id AS "authorId", body, created_at AS "createdAt")
SELECT jsonb_build_object('count', count(*), 'data', COALESCE(json_agg(ins ORDER BY ins.id), '[]')) AS result
FROM ins;
