-- relation_order: order items that follow relations. "author.displayName"
-- orders posts by a property of their author (a one relation), chains go
-- through several one relations ("author.profile.bio"), a JSON path may end
-- the key ("post.metadata.priority"), and "posts.count" orders by the number
-- of related rows of a many relation. A row whose related row is missing, or
-- hidden by the target's default filter, orders as NULL. Each key is a
-- correlated scalar subquery in ORDER BY.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on


-- Posts by their author's display name. Carol (user 3) has none and writes
-- nothing; Dave_X wrote post 5. Ties keep the primary key order.
SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "order": ["author.displayName ASC NULLS LAST"]}');
SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "order": ["author.displayName DESC"]}');

-- Posts by their author's age, oldest first.
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["author.age DESC", "title"]}');

-- A missing related row orders as NULL: post 5 has no category, and
-- category 3 ("Old", post 4) is soft-deleted, so Category's default filter
-- makes it absent too. NULLS FIRST puts both first.
SELECT ignis.find('Post', '{"fields": ["id", "categoryId"], "order": ["category.name NULLS FIRST"]}');
SELECT ignis.find('Post', '{"fields": ["id", "categoryId"], "order": ["category.name ASC"]}');

-- Chains of one relations: posts by the bio of their author's profile.
-- Users 1 and 2 have bios, user 5's profile has none (NULL) and user 4 has
-- no profile (NULL too).
SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "order": ["author.profile.bio DESC NULLS LAST"]}');

-- A many relation orders by its count: users by their number of visible
-- posts (post 6 of user 5 is soft-deleted and not counted).
SELECT ignis.find('User', '{"fields": ["id"], "order": ["posts.count DESC"]}');

-- When the filter includes the same count, the order uses the include's
-- scope, so rows order by the number they show.
SELECT ignis.find('User', '{"fields": ["id"], "order": ["posts.count DESC"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"views": {"gt": 100}}}}]}');

-- A count at the end of a chain: posts by the number of their author's posts.
SELECT ignis.find('Post', '{"fields": ["id", "authorId"], "order": ["author.posts.count ASC"]}');

-- In include scopes: each user's posts by category name.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"id": [1, 2]}, "include": [{"relation": "posts", "scope": {"fields": ["id"], "order": ["category.name DESC"]}}]}');

-- Ordering by a hidden property of a related row is allowed (it only orders,
-- its value is never returned), as for the model's own hidden properties.
SELECT ignis.find('Post', '{"fields": ["id"], "order": ["author.password DESC"]}');

-- JSON paths at the end of the key, through a relation registered here
-- (rolled back at the end): post tags by their post's priority.
BEGIN;
SELECT ignis.register_relation('PostTag', 'post', 'one', 'Post', '{"fields": ["postId"], "references": ["id"]}');
SELECT ignis.find('PostTag', '{"fields": ["id", "postId"], "order": ["post.metadata.priority DESC NULLS LAST", "id DESC"]}');
-- and through two relations
SELECT ignis.find('PostTag', '{"fields": ["id", "postId"], "order": ["post.author.age", "tag.name"]}');
SELECT ignis.build_query('PostTag', '{"fields": ["id"], "order": ["post.author.age DESC", "post.metadata.priority"], "limit": 3}');
SELECT run_build_query(ignis.build_query('PostTag', '{"fields": ["id"], "order": ["post.author.age DESC", "post.metadata.priority"], "limit": 3}'))
     = ignis.find('PostTag', '{"fields": ["id"], "order": ["post.author.age DESC", "post.metadata.priority"], "limit": 3}') AS same_as_find;
ROLLBACK;

-- build_query: the related value is a scalar subquery with the target's
-- default filter; a count is the relation count's subquery.
SELECT ignis.build_query('Post', '{"fields": ["id"], "order": ["category.name NULLS FIRST"]}');
SELECT ignis.build_query('User', '{"fields": ["id"], "order": ["posts.count DESC"]}');
SELECT run_build_query(ignis.build_query('Post', '{"fields": ["id"], "order": ["category.name NULLS FIRST", "author.age"]}'))
     = ignis.find('Post', '{"fields": ["id"], "order": ["category.name NULLS FIRST", "author.age"]}') AS same_as_find;

-- The same order with the relation joined by hand.
SELECT (SELECT jsonb_agg(jsonb_build_object('id', p.id) ORDER BY c.name NULLS FIRST, u.age, p.id)
          FROM public.posts p
          LEFT JOIN public.categories c ON c.id = p.category_id AND c.deleted_at IS NULL
          LEFT JOIN public.users u ON u.id = p.author_id
         WHERE p.deleted_at IS NULL)
     = ignis.find('Post', '{"fields": ["id"], "order": ["category.name NULLS FIRST", "author.age"]}') AS same_as_join;

-- Errors.
-- a many relation has no single value to order by
SELECT err_hint($q$ SELECT ignis.find('User', '{"order": ["posts.title"]}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Category', '{"order": ["posts.author.age"]}') $q$);
-- a one relation has no count
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["author.count DESC"]}') $q$);
-- unknown properties of the related model
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["author.nmae"]}') $q$);
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["author.profile.bioo"]}') $q$);
-- a JSON path needs a json property of the related model
SELECT err_hint($q$ SELECT ignis.find('Post', '{"order": ["author.age.x"]}') $q$);
-- in a scope, the path names the scope
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "scope": {"order": ["author.posts.title"]}}]}') $q$);
