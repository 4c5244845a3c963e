-- relation_counts: an include item {"relation": ..., "count": true} puts the
-- number of related rows in the row instead of the related rows themselves.
-- The target's default filter and the scope's where apply, as they do to an
-- included array; the count is a correlated count(*) in the one statement.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

-- The number of posts of every user. Post 6 (user 5) is soft-deleted: Post's
-- default filter hides it, so user 5 counts 0 posts, like
-- {"include": ["posts"]} shows user 5 an empty array.
SELECT ignis.find('User', '{"fields": ["id"], "include": [{"relation": "posts", "count": true}]}');

-- A scope's where narrows what is counted (after the default filter).
SELECT ignis.find('User', '{"fields": ["id"], "where": {"id": [1, 2]}, "include": [{"relation": "posts", "count": true, "scope": {"where": {"status": "published"}}}]}');

-- shouldSkipDefaultFilter on the include counts soft-deleted rows too.
SELECT ignis.find_by_id('User', '5', '{"fields": ["id"], "include": [{"relation": "posts", "count": true, "shouldSkipDefaultFilter": true}]}');

-- Counts sit beside arrays of other relations and inside include scopes:
-- every category with its posts, each post with the number of its tags.
-- Category 3 is soft-deleted and not listed; its post 4 is.
SELECT ignis.find('Category', '{"fields": ["id"], "include": [{"relation": "posts", "scope": {"fields": ["id"], "include": [{"relation": "postTags", "count": true}]}}]}');

-- NULL keys: post 5 has no category; a count through a relation whose key is
-- NULL is 0, never NULL.
SELECT ignis.find('Category', '{"fields": ["id"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"views": {"gt": 50}}}}]}');

-- A hidden property filters as in any where and is never returned; the
-- count is there for the row that matched.
SELECT ignis.find('User', '{"where": {"password": "pw2"}, "include": [{"relation": "posts", "count": true}]}');

-- with a range: the total counts the users, the counts are per row
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "include": [{"relation": "posts", "count": true}]}', '{"shouldQueryRange": true}');

-- Row-level security applies to the counted rows: a role that sees only
-- Alice's posts counts only those, for every user, and orders by that count.
BEGIN;
CREATE ROLE regress_ignis_counter;
GRANT SELECT ON public.users, public.posts TO regress_ignis_counter;
ALTER TABLE public.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_alice ON public.posts TO regress_ignis_counter USING (author_id = 1);
SET ROLE regress_ignis_counter;
SELECT ignis.find('User', '{"fields": ["id"], "where": {"id": [1, 2]}, "order": ["posts.count"], "include": [{"relation": "posts", "count": true}]}');
SELECT ignis.aggregate('Post', '{"count": true}');
RESET ROLE;
ROLLBACK;

-- build_query shows the correlated count: the target's default filter
-- (deletedAt IS NULL) and the scope's where, values as parameters.
SELECT ignis.build_query('User', '{"fields": ["id"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"status": "published"}}}]}');

-- Running build_query's statement by hand gives what find gives.
SELECT run_build_query(ignis.build_query('User', '{"fields": ["id"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"status": "published"}}}]}'))
     = ignis.find('User', '{"fields": ["id"], "include": [{"relation": "posts", "count": true, "scope": {"where": {"status": "published"}}}]}') AS same_as_find;

-- Errors.
-- count on a one relation: a post has one author, not a number of them
SELECT err_hint($q$ SELECT ignis.find('Post', '{"include": [{"relation": "author", "count": true}]}') $q$);
-- count must be a boolean
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "count": 1}]}') $q$);
-- a count's scope is a where only: no fields, order, limit, skip or include
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "count": true, "scope": {"limit": 1}}]}') $q$);
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "count": true, "scope": {"where": {}, "fields": ["id"]}}]}') $q$);
-- the scope's where is checked against the target model
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": [{"relation": "posts", "count": true, "scope": {"where": {"titel": "x"}}}]}') $q$);
-- a relation is counted or included, not both
SELECT err_hint($q$ SELECT ignis.find('User', '{"include": ["posts", {"relation": "posts", "count": true}]}') $q$);
-- count: false is an ordinary include
SELECT ignis.find_by_id('User', '2', '{"fields": ["id"], "include": [{"relation": "posts", "count": false, "scope": {"fields": ["id"]}}]}');
