-- Models and relations of the benchmark schema.
SET client_min_messages = warning;

SELECT ignis.register_model('User', 'public.users',
  '{"naming": "camelCase", "hiddenProperties": ["passwordHash"]}') ->> 'name' AS model;
SELECT ignis.register_model('Post', 'public.posts',
  '{"naming": "camelCase", "softDelete": {"property": "deletedAt"}}') ->> 'name' AS model;
SELECT ignis.register_model('Comment', 'public.comments', '{"naming": "camelCase"}') ->> 'name' AS model;
SELECT ignis.register_model('Tag', 'public.tags', '{}') ->> 'name' AS model;
SELECT ignis.register_model('PostTag', 'public.post_tags', '{"naming": "camelCase"}') ->> 'name' AS model;

SELECT ignis.register_relation('Post', 'author', 'one', 'User',
  '{"fields": ["authorId"], "references": ["id"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('User', 'posts', 'many', 'Post', '{"inverseOf": "author"}') ->> 'name' AS relation;
SELECT ignis.register_relation('Post', 'comments', 'many', 'Comment',
  '{"fields": ["id"], "references": ["postId"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('Comment', 'post', 'one', 'Post',
  '{"fields": ["postId"], "references": ["id"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('Post', 'postTags', 'many', 'PostTag',
  '{"fields": ["id"], "references": ["postId"]}') ->> 'name' AS relation;
SELECT ignis.register_relation('PostTag', 'tag', 'one', 'Tag',
  '{"fields": ["tagId"], "references": ["id"]}') ->> 'name' AS relation;
