-- What `bash scripts/demo.sh` runs against the sample data (docs/sample.sql).
\pset pager off
SET TimeZone = 'UTC';

\echo '--- Models registered from the sample tables'
SELECT name, relid FROM ignis.models ORDER BY name;

\echo '--- find: members aged 20 or more, newest first, two fields'
SELECT jsonb_pretty(ignis.find('User',
  '{"where": {"role": "member", "age": {"gte": 20}}, "fields": ["id", "displayName", "age"], "order": "createdAt DESC"}'));

\echo '--- find with range metadata (Content-Range style totals)'
SELECT ignis.find('User', '{"fields": ["id"], "limit": 2, "skip": 2}', '{"shouldQueryRange": true}');

\echo '--- JSON paths and array operators; soft-deleted post 6 is hidden by default'
SELECT ignis.find('Post', '{"where": {"metadata.priority": {"gt": 2}, "tags": {"overlaps": ["news", "tech"]}}, "fields": ["id", "title"]}');

\echo '--- find_by_id with nested includes: post -> author, postTags -> tag'
SELECT jsonb_pretty(ignis.find_by_id('Post', 1,
  '{"fields": ["id", "title"], "include": ["author", {"relation": "postTags", "scope": {"fields": ["tagId"], "include": ["tag"]}}]}'));

\echo '--- relational queries: users with a published post and no profile; posts per user, most first'
SELECT ignis.find('User', '{"where": {"posts": {"some": {"status": "published"}}, "profile": null}, "fields": ["id", "displayName"]}');
SELECT ignis.find('User', '{"fields": ["id"], "order": ["posts.count DESC", "id"], "limit": 3, "include": [{"relation": "posts", "count": true}]}');
SELECT ignis.aggregate('Post', '{"groupBy": ["status"], "count": true, "sum": ["views"], "order": ["count DESC"]}');

\echo '--- count and exists_with'
SELECT ignis.count('Post'), ignis.count('Post', '{}', '{"shouldSkipDefaultFilter": true}'),
       ignis.exists_with('User', '{"email": {"endsWith": ".fr"}}');

\echo '--- the single parameterised statement behind a find'
\x on
SELECT q ->> 'sql' AS sql, q -> 'params' AS params
FROM ignis.build_query('User', '{"where": {"role": "member"}, "fields": ["id", "email"]}') AS q;
\x off

\echo '--- writes: create, JSON-path update, soft delete and restore (rolled back)'
BEGIN;
SELECT ignis.create('Post', '{"authorId": 2, "title": "Written through ignis", "tags": ["demo"]}');
SELECT ignis.update_by_id('Post', 1, '{"metadata.seo.title": "Hello!"}') -> 'data' -> 'metadata';
SELECT ignis.delete_by_id('Post', 2, '{"shouldReturn": false}');
SELECT ignis.restore_by_id('Post', 2, '{"shouldReturn": false}');
ROLLBACK;

\echo '--- a bad filter gets a precise error'
\set ON_ERROR_STOP 0
SELECT ignis.find('User', '{"where": {"or": [{"id": 1}, {"age": {"gtx": 5}}]}}');
