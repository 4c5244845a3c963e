-- title: update_by_id
-- kind: write
-- requires: SELECT 'ignis.update_by_id(text, bigint, jsonb, jsonb)'::regprocedure
-- var: id 1 NPOSTS
-- var: v 0 9999
--
-- Sets the views of one post (soft-deleted posts match nothing: count 0).
-- @ignis
SELECT ignis.update_by_id('Post', :id::bigint, ('{"views": ' || :v || '}')::jsonb) AS result;
-- @hand
WITH upd AS (
  UPDATE public.posts p SET views = :v
  WHERE p.id = :id AND p.deleted_at IS NULL
  RETURNING p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
            p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
            p.deleted_at AS "deletedAt")
SELECT jsonb_build_object('count', (SELECT count(*) FROM upd),
                          'data', (SELECT to_jsonb(upd) FROM upd)) AS result;
