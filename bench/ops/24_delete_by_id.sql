-- title: delete_by_id (soft delete, rolled back)
-- kind: write
-- requires: SELECT 'ignis.delete_by_id(text, bigint, jsonb)'::regprocedure
-- tx: rollback
-- var: id 1 NPOSTS
--
-- Post is a soft-delete model: the delete is an UPDATE of deletedAt to
-- now().  Each transaction is BEGIN; <call>; ROLLBACK on both sides.
-- @ignis
SELECT ignis.delete_by_id('Post', :id::bigint) AS result;
-- @hand
WITH upd AS (
  UPDATE public.posts p SET deleted_at = now()
  WHERE p.id = :id AND p.deleted_at IS NULL
  RETURNING p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
            p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
            p.deleted_at AS "deletedAt")
SELECT jsonb_build_object('count', (SELECT count(*) FROM upd),
                          'data', (SELECT to_jsonb(upd) FROM upd)) AS result;
