-- title: update_all touching 100 rows
-- kind: write
-- requires: SELECT 'ignis.update_all(text, jsonb, jsonb, jsonb)'::regprocedure
-- var: s 1 NPOSTS-99
-- var: v 0 9999
--
-- A range of 100 post ids (about 98 live ones); rows come back ordered by id.
-- @ignis
SELECT ignis.update_all('Post', ('{"views": ' || :v || '}')::jsonb,
  ('{"id": {"between": [' || :s || ', ' || :s + 99 || ']}}')::jsonb) AS result;
-- @hand
WITH upd AS (
  UPDATE public.posts p SET views = :v
  WHERE p.id BETWEEN :s AND :s + 99 AND p.deleted_at IS NULL
  RETURNING p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
            p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
            p.deleted_at AS "deletedAt")
SELECT jsonb_build_object('count', count(*), 'data', COALESCE(json_agg(upd ORDER BY upd.id), '[]')) AS result
FROM upd;
