-- relation_filters: a where key that names a relation of the model filters the
-- model's rows by their related rows.  It takes an object of quantifiers:
--   {"posts": {"some":  {<where of Post>}}}   at least one related row matches
--   {"posts": {"every": {<where of Post>}}}   every related row matches
--   {"posts": {"none":  {<where of Post>}}}   no related row matches
--   {"author": null}                          no related row at all
-- Each compiles to an EXISTS / NOT EXISTS semi-join in the one statement.
-- The related rows are the target's rows that its default filter (and scope
-- filter) lets through.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- The data: users 1-6; posts 1-2 by Alice (1), 3-4 by Bob (2), 5 by Dave (4),
-- 6 by Davey (5) but soft-deleted, so Post's default filter hides it.
SELECT ignis.find('User', '{"fields": ["id", "displayName"], "include": [{"relation": "posts", "scope": {"fields": ["id", "status", "views", "categoryId"]}}]}');

-- some: users with at least one published post
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {"status": "published"}}}}');

-- some with no condition: users with any post.  Davey (5) has only a
-- soft-deleted post, which is not a related row at all.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {}}}}');

-- none: users without a post of more than 100 views (users without posts too)
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"none": {"views": {"gt": 100}}}}}');

-- null: users without any post; the same as {"none": {}}
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": null}}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"none": {}}}}')
     = ignis.find('User', '{"fields": ["id"], "where": {"posts": null}}') AS null_is_none;

-- every: every post is outside category 3.  A user without posts qualifies
-- (3, 5, 6).  Dave's (4) only post has no category: "categoryId <> 3" is
-- NULL for it, and a row whose condition is NULL does not match, so Dave is
-- left out.  Bob's (2) post 4 is in category 3.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"every": {"categoryId": {"neq": 3}}}}}');

-- ... which is why "every" is not "not some not": this one lets Dave in
SELECT ignis.find('User', '{"fields": ["id"], "where": {"not": {"posts": {"some": {"categoryId": 3}}}}}');

-- every with no condition holds for every row
SELECT ignis.count('User', '{"posts": {"every": {}}}');

-- Several quantifiers in one object must all hold: users with a published
-- post and no draft.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {"status": "published"}, "none": {"status": "draft"}}}}');

-- one relations take the same quantifiers: posts whose author is an admin,
-- posts whose category is missing or soft-deleted (category 3 is: Category's
-- default filter hides it, so post 4 has no visible category).
SELECT ignis.find('Post', '{"fields": ["id"], "where": {"author": {"some": {"role": "admin"}}}}');
SELECT ignis.find('Post', '{"fields": ["id", "categoryId"], "where": {"category": null}}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"profile": null}}');

-- Nesting: posts tagged "json" (through the junction model PostTag), and
-- users with a post tagged "sql".  Relations nest up to 16 deep.
SELECT ignis.find('Post', '{"fields": ["id"], "where": {"postTags": {"some": {"tag": {"some": {"name": "json"}}}}}}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {"postTags": {"some": {"tag": {"some": {"name": "sql"}}}}}}}}');

-- Inside and / or / not, next to ordinary conditions
SELECT ignis.find('User', '{"fields": ["id"], "where": {"or": [{"posts": {"some": {"views": {"gte": 300}}}}, {"profile": {"some": {"bio": {"like": "Bob%"}}}}], "age": {"lt": 40}}}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"not": {"posts": null}, "role": {"neq": "admin"}}}');

-- A hidden property filters as in any where (User.password is hidden)
SELECT ignis.find('Post', '{"fields": ["id"], "where": {"author": {"some": {"password": "pw2"}}}}');

-- options.shouldSkipDefaultFilter lifts the default filter of the model
-- queried, not that of the related rows: Davey's soft-deleted post still
-- does not count.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {}}}}', '{"shouldSkipDefaultFilter": true}');
-- Nor does a condition on deletedAt in the quantifier reach soft-deleted
-- posts: the target's default filter always applies to related rows.
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {"deletedAt": {"neq": null}}}}}');

-- In every read and write that takes a where: count, exists_with, find_one,
-- include scopes (correlated and batched), relation counts, aggregates,
-- keyset pages, update_all, delete_all.
SELECT ignis.count('User', '{"posts": {"some": {"status": "published"}}}');
SELECT ignis.exists_with('Post', '{"author": {"some": {"role": "guest"}}}');
SELECT ignis.find_one('User', '{"fields": ["id"], "where": {"profile": {"some": {"bio": null}}}}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"id": [1, 2]}, "include": [{"relation": "posts", "scope": {"fields": ["id"], "where": {"postTags": {"some": {}}}}}]}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"id": [1, 2]}, "include": [{"relation": "posts", "strategy": "batched", "scope": {"fields": ["id"], "where": {"postTags": {"some": {}}}}}]}');
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {}}}, "order": ["posts.count DESC", "id"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"postTags": null}}}]}');
SELECT ignis.aggregate('Post', '{"where": {"author": {"some": {"age": {"gt": 30}}}}, "groupBy": ["status"], "count": true, "sum": ["views"], "order": ["status"]}');
SELECT ignis.find('User', '{"fields": ["id"], "order": ["id DESC"], "limit": 2, "after": {"id": 5}, "where": {"posts": null}}', '{"shouldQueryRange": true}');
BEGIN;
SELECT ignis.update_all('Post', '{"views": 1}', '{"author": {"some": {"role": "admin"}}}') -> 'count' AS updated;
SELECT ignis.delete_all('PostTag', '{"tag": {"some": {"name": "json"}}}') -> 'count' AS deleted;
-- soft delete: the posts left without tags
SELECT jsonb_path_query_array(ignis.delete_all('Post', '{"postTags": null}'), '$.data[*].id') AS soft_deleted;
ROLLBACK;

-- A default filter may filter by relations.  A model's relations exist only
-- after it is registered: ignis.alter_model changes its settings and keeps
-- them.  "Author" is the users with a visible post.
BEGIN;
SELECT ignis.register_model('Author', 'public.users', '{"naming": "camelCase", "hiddenProperties": ["password"]}') ->> 'name';
SELECT ignis.register_relation('Author', 'posts', 'many', 'Post', '{"fields": ["id"], "references": ["authorId"]}') ->> 'name';
SELECT ignis.alter_model('Author', '{"defaultFilter": {"where": {"posts": {"some": {}}}}}') -> 'defaultFilter';
SELECT ignis.find('Author', '{"fields": ["id"]}');
-- ... and through a relation to Author, the default filter of the related
-- rows applies: a post's writer must be an Author.
SELECT ignis.register_relation('Post', 'writer', 'one', 'Author', '{"fields": ["authorId"], "references": ["id"]}') ->> 'name';
SELECT ignis.count('User', '{"posts": {"some": {"writer": {"some": {}}}}}');
-- Changing another setting keeps (and checks again) the default filter.
SELECT ignis.alter_model('Author', '{"hiddenProperties": ["password", "email"]}') -> 'defaultFilter';
SELECT ignis.find('Author', '{"limit": 1}');
-- Default filters that filter by each other's relations would never end:
-- ignis stops at 16 relations, when the second default filter is set.
SELECT err_hint($q$ SELECT ignis.alter_model('Post', '{"softDelete": true, "defaultFilter": {"where": {"writer": {"some": {}}}}}') $q$);
-- null returns a setting to its default
SELECT ignis.alter_model('Author', '{"defaultFilter": null}') -> 'defaultFilter';
SELECT ignis.count('Author');
ROLLBACK;

-- Row-level security applies to the related rows: a role that sees only
-- Alice's posts finds only Alice with posts.
BEGIN;
CREATE ROLE regress_ignis_relfilter;
GRANT SELECT ON public.users, public.posts TO regress_ignis_relfilter;
ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_alice ON public.posts TO regress_ignis_relfilter USING (author_id = 1);
SET ROLE regress_ignis_relfilter;
SELECT ignis.find('User', '{"fields": ["id"], "where": {"posts": {"some": {}}}}');
SELECT ignis.count('User', '{"posts": null}');
RESET ROLE;
ROLLBACK;

-- build_query: the semi-joins with their join condition, the target's
-- default filter (e1."deleted_at" IS NULL) and the condition, values as
-- parameters; "every" looks for a row whose condition is not true.
SELECT ignis.build_query('User', '{"fields": ["id"], "where": {"posts": {"every": {"views": {"gt": 5}}}, "profile": null}}');
SELECT ignis.build_query('Post', '{"fields": ["id"], "where": {"postTags": {"some": {"tag": {"some": {"name": "json"}}}}}}') ->> 'sql' AS nested;
-- On a nullable column "every" needs IS NOT TRUE; a condition that is never
-- NULL (views is NOT NULL) is negated with NOT, which the planner turns into
-- the opposite operator (views <= 5) an index can serve.
SELECT ignis.build_query('User', '{"fields": ["id"], "where": {"posts": {"every": {"categoryId": {"neq": 3}}}}}') ->> 'sql' AS nullable;

-- Running build_query's statement by hand gives what find gives.
SELECT run_build_query(ignis.build_query('User', '{"fields": ["id"], "where": {"posts": {"every": {"views": {"gt": 5}}}, "profile": null}}'))
     = ignis.find('User', '{"fields": ["id"], "where": {"posts": {"every": {"views": {"gt": 5}}}, "profile": null}}') AS same_as_find;

-- Errors name the path into the argument.
-- an unknown quantifier, with the closest one as a hint
SELECT err_hint($q$ SELECT ignis.find('User', '{"where": {"posts": {"sme": {}}}}') $q$);
-- an empty relation filter: which rows must match?
SELECT err_hint($q$ SELECT ignis.count('User', '{"posts": {}}') $q$);
-- a relation takes an object of quantifiers or null
SELECT err_hint($q$ SELECT ignis.count('User', '{"posts": 5}') $q$);
SELECT err_hint($q$ SELECT ignis.count('User', '{"posts": [{"some": {}}]}') $q$);
-- a quantifier takes a where object of the target
SELECT err_hint($q$ SELECT ignis.count('User', '{"posts": {"some": null}}') $q$);
SELECT err_hint($q$ SELECT ignis.count('User', '{"or": [{"posts": {"every": {"titel": "x"}}}]}') $q$);
-- a dotted key is a JSON path, not a way into a relation
SELECT err_hint($q$ SELECT ignis.count('User', '{"posts.title": "x"}') $q$);
-- a misspelt relation
SELECT err_hint($q$ SELECT ignis.count('User', '{"post": {"some": {}}}') $q$);
-- more than 16 relations deep
SELECT err_hint(format($q$ SELECT ignis.count('Post', %L) $q$,
       repeat('{"author": {"some": {"posts": {"some": ', 9) || '{}' || repeat('}}}}', 9)));
-- the target's operation scope: a model that may not be read cannot be
-- filtered by either
BEGIN;
SELECT ignis.register_model('Secret', 'public.profiles', '{"naming": "camelCase", "operationScope": "WRITE_ONLY"}') ->> 'name';
SELECT ignis.register_relation('User', 'secret', 'one', 'Secret', '{"fields": ["id"], "references": ["userId"]}') ->> 'name';
SELECT err_hint($q$ SELECT ignis.count('User', '{"secret": {"some": {}}}') $q$);
ROLLBACK;
-- relation names a where could not tell from logical keys or paths are refused
SELECT err_hint($q$ SELECT ignis.register_relation('Post', 'not', 'one', 'User', '{"fields": ["authorId"], "references": ["id"]}') $q$);
SELECT err($q$ SELECT ignis.register_relation('Post', 'author.v2', 'one', 'User', '{"fields": ["authorId"], "references": ["id"]}') $q$);
-- alter_model of a model that does not exist
SELECT err_hint($q$ SELECT ignis.alter_model('Nope', '{}') $q$);
