-- title: keyset page: 20 posts after a given one, newest first
-- kind: read
-- var: pid 1 NPOSTS
--
-- The page after post :pid in createdAt DESC, id DESC order: one row
-- comparison the created_at index serves, however deep the page.  Both
-- sides look the cursor row up (the hand-written row subquery becomes an
-- init plan, so the index condition uses it; a join to the cursor row would
-- not).
-- @ignis
SELECT ignis.find('Post', (SELECT jsonb_build_object('order', '["createdAt DESC", "id DESC"]'::jsonb, 'limit', 20,
                                  'after', jsonb_build_object('createdAt', c.created_at, 'id', c.id))
                           FROM public.posts c WHERE c.id = :pid)) AS result;
-- @hand
SELECT COALESCE(json_agg(r), '[]')::jsonb AS result
FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId", p.title, p.body,
             p.status, p.views, p.tags, p.metadata, p.created_at AS "createdAt",
             p.deleted_at AS "deletedAt"
      FROM public.posts p
      WHERE p.deleted_at IS NULL
        AND (p.created_at, p.id) < (SELECT c.created_at, c.id FROM public.posts c WHERE c.id = :pid)
      ORDER BY p.created_at DESC, p.id DESC
      LIMIT 20) r;
