-- title: find_by_id
-- kind: read
-- var: id 1 NPOSTS
--
-- One post by primary key (2% of ids are soft-deleted and give null).
-- @ignis
SELECT ignis.find_by_id('Post', :id::bigint) AS result;
-- @hand
SELECT COALESCE((SELECT to_jsonb(r)
                 FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId",
                              p.title, p.body, p.status, p.views, p.tags, p.metadata,
                              p.created_at AS "createdAt", p.deleted_at AS "deletedAt"
                       FROM public.posts p
                       WHERE p.id = :id AND p.deleted_at IS NULL) r),
                'null'::jsonb) AS result;
-- @json
SELECT COALESCE((SELECT to_json(r)
                 FROM (SELECT p.id, p.author_id AS "authorId", p.category_id AS "categoryId",
                              p.title, p.body, p.status, p.views, p.tags, p.metadata,
                              p.created_at AS "createdAt", p.deleted_at AS "deletedAt"
                       FROM public.posts p
                       WHERE p.id = :id AND p.deleted_at IS NULL) r),
                'null'::json) AS result;
-- @rows
SELECT p.id, p.author_id, p.category_id, p.title, p.body, p.status, p.views, p.tags,
       p.metadata, p.created_at, p.deleted_at
FROM public.posts p
WHERE p.id = :id AND p.deleted_at IS NULL;
