-- title: upsert of 100 rows, half of them conflicting
-- kind: write
-- requires: SELECT 'ignis.upsert(text, jsonb, jsonb)'::regprocedure
-- tx: rollback
--
-- 100 comments by primary key (@@UPSERT100@@ / @@UPSERTVALUES100@@ are the
-- same rows, expanded by run.sh): the odd ones exist and are overwritten, the
-- even ones are inserted. Rolled back, so every transaction sees the same
-- table. The hand-written statement is the one a careful author would write:
-- ON CONFLICT in a CTE, xmax = 0 for inserted rows, data in input order.
-- @ignis
SELECT ignis.upsert('Comment', '[@@UPSERT100@@]') AS result;
-- @hand
WITH v (id, post_id, author_id, body, n) AS (VALUES @@UPSERTVALUES100@@),
w AS (
  INSERT INTO public.comments AS c (id, post_id, author_id, body)
  SELECT id, post_id, author_id, body FROM v ORDER BY id
  ON CONFLICT (id) DO UPDATE
    SET post_id = EXCLUDED.post_id, author_id = EXCLUDED.author_id, body = EXCLUDED.body
  RETURNING c.id, c.post_id AS "postId", c.author_id AS "authorId", c.body,
            c.created_at AS "createdAt", c.xmax = 0 AS inserted)
SELECT jsonb_build_object(
  'count', (SELECT count(*) FROM w),
  'data', (SELECT jsonb_agg(to_jsonb(w) - 'inserted' ORDER BY v.n) FROM v JOIN w ON w.id = v.id),
  'inserted', (SELECT count(*) FROM w WHERE inserted),
  'updated', (SELECT count(*) FROM w WHERE NOT inserted)) AS result;
