-- default_filter: merging a model's default filter with the caller's filter
-- (cases C101-C105). The extra models are registered inside a transaction that
-- is rolled back at the end, so later suites see the plain fixture.
SET TimeZone = 'UTC';
RESET ignis.default_limit;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

BEGIN;

-- Setup for C101-C104: published posts with at least 10 views, most viewed first, two at a time
SELECT ignis.register_model('PublishedPost', 'public.posts', '{"naming": "camelCase",
  "defaultFilter": {"where": {"status": "published", "views": {"gte": 10}}, "order": ["views DESC"], "limit": 2}}') -> 'defaultFilter' AS default_filter;

-- C101: default where, order and limit
SELECT ignis.find('PublishedPost', '{"fields": ["id"]}');  -- → [{"id": 5}, {"id": 1}]

-- C102: operator objects merge operator by operator (views >= 10 stays, lte is added / gte is replaced)
SELECT ignis.find('PublishedPost', '{"where": {"views": {"lte": 200}}, "fields": ["id"], "limit": 10}');  -- → [{"id": 1}, {"id": 2}, {"id": 6}]
SELECT ignis.find('PublishedPost', '{"where": {"views": {"gte": 0}}, "fields": ["id"], "limit": 10}');    -- → [{"id": 5}, {"id": 1}, {"id": 2}, {"id": 6}]

-- C103: a caller's value replaces the default for the same property
SELECT ignis.find('PublishedPost', '{"where": {"status": "archived", "views": {"gte": 5}}, "fields": ["id"]}');  -- → [{"id": 4}]
SELECT ignis.find('Post', '{"where": {"deletedAt": {"neq": null}}, "fields": ["id"]}');                          -- → [{"id": 6}]

-- C104: count uses only the default where
SELECT ignis.count('PublishedPost');  -- → {"count": 4}

-- C105: two or groups must both hold (Ignis' index-wise merge would give [])
SELECT ignis.register_model('PopularPost', 'public.posts', '{"naming": "camelCase",
  "defaultFilter": {"where": {"or": [{"views": {"gt": 100}}, {"status": "draft"}]}}}') -> 'defaultFilter' AS default_filter;
SELECT ignis.find('PopularPost', '{"where": {"or": [{"authorId": 2}, {"authorId": 4}]}, "fields": ["id"]}');  -- → [{"id": 3}, {"id": 5}]

ROLLBACK;

SELECT name FROM ignis.models ORDER BY name;
